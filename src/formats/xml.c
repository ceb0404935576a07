/* Feeding expat, for the XML chapter formats. */
#include "xml.h"

#include "error.h"

/* Bytes handed to expat at a time: XML_Parse takes an int length. */
#define CHUNK (1u << 24)

chaptag_status ct_xml_feed(XML_Parser parser, const char *data, size_t len,
                           const chaptag_status *handler_st, chaptag_error *err)
{
    size_t done = 0;
    do {
        size_t n = len - done < CHUNK ? len - done : CHUNK;
        if (XML_Parse(parser, data + done, (int)n, done + n == len) == XML_STATUS_ERROR) {
            if (*handler_st != CHAPTAG_OK)
                return *handler_st;
            enum XML_Error code = XML_GetErrorCode(parser);
            if (code == XML_ERROR_NO_MEMORY)
                return ct_fail_nomem(err);
            return ct_fail_at(err, CHAPTAG_ERR_INPUT, (unsigned)XML_GetCurrentLineNumber(parser),
                              (unsigned)XML_GetCurrentColumnNumber(parser) + 1,
                              "not valid XML: %s", XML_ErrorString(code));
        }
        done += n;
    } while (done < len);
    return *handler_st;
}
