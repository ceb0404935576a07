/* What the XML formats (psc, mkvxml) share: feeding expat. */
#ifndef CHAPTAG_XML_H
#define CHAPTAG_XML_H

#include <expat.h>
#include <stddef.h>

#include "chaptag/chaptag.h"

/* Feeds the LEN bytes at DATA to PARSER in chunks (XML_Parse takes an int length). When expat
   stops, *HANDLER_ST (the status the handlers set) wins if it is an error; else an XML error
   names its line and column. Returns *HANDLER_ST otherwise. */
chaptag_status ct_xml_feed(XML_Parser parser, const char *data, size_t len,
                           const chaptag_status *handler_st, chaptag_error *err);

#endif
