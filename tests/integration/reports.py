"""Reports for machines: every JSON output of dump, embed, strip and verify, for one file and
for several, parsed and validated against its schema in docs/schemas; jsonl is one compact
object per line; a file that fails keeps its object with its status and error, and the exit
status is the worst."""
import json
import os
import unittest

import jsonschema

import ctcheck
from ctcheck import TempDir, chaptag

SRC = os.environ.get("SRC", os.path.join(os.path.dirname(__file__), "..", ".."))
SCHEMAS = os.path.join(SRC, "docs", "schemas")


def load_schemas():
    """{name: validator} for dump, embed, strip and verify; common.schema.json resolved by $id."""
    docs = {}
    for name in os.listdir(SCHEMAS):
        with open(os.path.join(SCHEMAS, name), encoding="utf-8") as f:
            docs[name] = json.load(f)
    store = {doc["$id"]: doc for doc in docs.values()}
    out = {}
    for cmd in ("dump", "embed", "strip", "verify"):
        schema = docs[cmd + ".schema.json"]
        cls = jsonschema.validators.validator_for(schema)
        cls.check_schema(schema)
        resolver = jsonschema.RefResolver.from_schema(schema, store=store)
        out[cmd] = cls(schema, resolver=resolver)
    return out


VALIDATORS = load_schemas()
CHAPTERS = "00:00:00 Intro\n00:01:00 Middle\n00:02:00 End\n"


class Reports(unittest.TestCase):
    def setUp(self):
        self.tmp = TempDir()
        self.mp3 = self.tmp.copy("chaptered.mp3")
        self.m4b = self.tmp.copy("chaptered.m4b")
        self.bare = self.tmp.copy("notag.mp3")
        self.bad = self.tmp.write("bad.mp3", bytes(range(256)) * 8)  # no audio, no text
        self.list = self.tmp.write("chapters.txt", CHAPTERS)

    def tearDown(self):
        self.tmp.close()

    def report(self, cmd, *args, fmt="json", rc=0):
        """Runs chaptag CMD --format FMT ARGS, checks the exit status, validates and returns
        the report: the parsed document for json, the list of line objects for jsonl."""
        got, out, err = chaptag(cmd, "--format", fmt, *args)
        self.assertEqual(got, rc, err)
        if fmt == "jsonl":
            self.assertTrue(out.endswith("\n"), out)
            lines = out[:-1].split("\n") if out else []
            docs = []
            for line in lines:
                self.assertEqual(json.dumps(json.loads(line), ensure_ascii=False,
                                            separators=(",", ":")), line)  # compact
                docs.append(json.loads(line))
                VALIDATORS[cmd].validate(docs[-1])
            return docs
        doc = json.loads(out)
        VALIDATORS[cmd].validate(doc)
        return doc

    # ---- dump ----
    def test_dump_one_file_is_the_document_alone(self):
        doc = self.report("dump", self.mp3)
        self.assertNotIn("file", doc)
        self.assertEqual([c["title"] for c in doc["chapters"]],
                         ["Old chapter one", "Old chapter two", "Old chapter three"])
        self.assertEqual(self.report("dump", self.bare)["chapters"], [])

    def test_dump_several_files_is_one_array_with_file(self):
        docs = self.report("dump", self.mp3, self.bare, self.m4b)
        self.assertEqual([d["file"] for d in docs], [self.mp3, self.bare, self.m4b])
        self.assertEqual([len(d["chapters"]) for d in docs], [3, 0, 3])

    def test_dump_failure_in_an_array_keeps_its_place(self):
        docs = self.report("dump", self.mp3, self.bad, rc=4)
        self.assertEqual([d["file"] for d in docs], [self.mp3, self.bad])
        self.assertEqual(docs[1]["status"], 4)
        self.assertTrue(docs[1]["error"])
        self.assertNotIn("status", docs[0])

    def test_dump_jsonl_one_document_per_line_with_file(self):
        for files in ([self.mp3], [self.mp3, self.bare, self.bad]):
            with self.subTest(n=len(files)):
                docs = self.report("dump", *files, fmt="jsonl", rc=4 if len(files) > 1 else 0)
                self.assertEqual([d["file"] for d in docs], files)

    def test_dump_jsonl_refuses_output_file(self):
        rc, out, _ = chaptag("dump", "--format", "jsonl", "-o",
                             os.path.join(self.tmp.path, "x.json"), self.mp3)
        self.assertEqual((rc, out), (2, ""))

    # ---- embed ----
    def test_embed_one_object(self):
        rep = self.report("embed", self.bare, self.list)
        self.assertEqual((rep["file"], rep["status"], rep["chapters"]), (self.bare, 0, 3))
        self.assertEqual((rep["written"], rep["what"], rep["output"]),
                         ("rewrite", "ID3v2.3 tag", None))
        self.assertGreater(rep["bytes_written"], rep["tag_size"])
        # again: in place, the same tag
        rep = self.report("embed", self.bare, self.list)
        self.assertIn(rep["written"], ("in place", "nothing"))

    def test_embed_dry_run_and_output(self):
        rep = self.report("embed", "-n", self.bare, self.list)
        self.assertEqual((rep["dry_run"], rep["written"], rep["bytes_written"]),
                         (True, "nothing", 0))
        self.assertIn("CHAP", rep["plan"])
        out = os.path.join(self.tmp.path, "out.m4b")
        rep = self.report("embed", "-o", out, self.m4b, self.list, fmt="jsonl")[0]
        self.assertEqual((rep["output"], rep["written"], rep["status"]), (out, "rewrite", 0))

    def test_embed_warnings_land_in_the_report_even_when_quiet(self):
        for quiet in ([], ["-q"]):
            with self.subTest(quiet=quiet):
                rep = self.report("embed", *quiet, "--add-intro", "Hi", self.bare, self.list)
                self.assertEqual(rep["warnings"], [
                    {"file": self.list, "line": 1,
                     "message": "the first chapter already starts at 0:00: no intro added"}])

    def test_embed_failure_is_an_object_with_error(self):
        rep = self.report("embed", self.bare, os.path.join(self.tmp.path, "missing.txt"), rc=5)
        self.assertEqual((rep["status"], rep["file"]), (5, self.bare))
        self.assertTrue(rep["error_file"].endswith("missing.txt"))
        broken = self.tmp.write("broken.txt", "00:02:00 B\n00:01:00 A\n")
        rep = self.report("embed", self.bare, broken, rc=3)
        self.assertEqual((rep["status"], rep["error_file"]), (3, broken))
        self.assertIn("error_line", rep)
        rep = self.report("embed", self.bad, self.list, fmt="jsonl", rc=4)[0]
        self.assertEqual((rep["status"], rep["error_file"]), (4, self.bad))

    # ---- strip ----
    def test_strip_one_and_several(self):
        rep = self.report("strip", self.mp3)
        self.assertEqual((rep["file"], rep["status"], rep["had_chapters"]), (self.mp3, 0, True))
        self.assertNotEqual(rep["written"], "nothing")
        reps = self.report("strip", self.mp3, self.m4b, self.bad, rc=4)
        self.assertEqual([r["file"] for r in reps], [self.mp3, self.m4b, self.bad])
        self.assertEqual([r["status"] for r in reps], [0, 0, 4])
        self.assertEqual((reps[0]["had_chapters"], reps[0]["written"]), (False, "nothing"))
        self.assertTrue(reps[1]["had_chapters"])
        self.assertIn("error", reps[2])

    def test_strip_jsonl_and_dry_run(self):
        reps = self.report("strip", "-n", self.mp3, self.bare, fmt="jsonl")
        self.assertEqual([(r["file"], r["dry_run"], r["had_chapters"]) for r in reps],
                         [(self.mp3, True, True), (self.bare, True, False)])
        self.assertEqual(ctcheck.sha256(self.mp3),
                         ctcheck.sha256(os.path.join(ctcheck.FIXTURES, "chaptered.mp3")))

    # ---- verify ----
    def test_verify_one_file_is_one_object_with_its_status(self):
        doc = self.report("verify", self.mp3)
        self.assertEqual((doc["file"], doc["ok"], doc["chapters"], doc["status"]),
                         (self.mp3, True, 3, 0))
        doc = self.report("verify", self.bad, rc=4)
        self.assertEqual((doc["file"], doc["status"]), (self.bad, 4))
        self.assertIn("error", doc)

    def test_verify_several_is_one_array_with_status(self):
        docs = self.report("verify", self.mp3, self.bare, self.bad, rc=4)
        self.assertEqual([d["file"] for d in docs], [self.mp3, self.bare, self.bad])
        self.assertEqual([d["status"] for d in docs], [0, 1, 4])
        self.assertEqual(docs[1]["ok"], False)
        self.assertIn("error", docs[2])

    def test_verify_jsonl_with_expected_chapters(self):
        docs = self.report("verify", self.mp3, "--chapters", self.list, fmt="jsonl", rc=1)
        self.assertEqual(len(docs), 1)
        self.assertEqual((docs[0]["status"], docs[0]["ok"]), (1, False))
        self.assertTrue(any(f["code"].endswith("differs") for f in docs[0]["findings"]))

    # ---- the schemas themselves ----
    def test_schemas_refuse_what_is_not_a_report(self):
        bad = [("embed", {"file": "a.mp3", "warnings": []}),  # no status
               ("strip", {"file": "a", "status": 0, "warnings": [], "surprise": 1}),
               ("verify", [{"file": "a", "status": 4}]),  # a failure without its error
               ("dump", {"version": "1.2.0"})]  # no chapters
        for cmd, doc in bad:
            with self.subTest(cmd=cmd):
                with self.assertRaises(jsonschema.ValidationError):
                    VALIDATORS[cmd].validate(doc)

    def test_unknown_report_format_is_a_usage_error(self):
        for cmd in ("embed", "strip", "verify"):
            with self.subTest(cmd=cmd):
                rc, out, err = chaptag(cmd, "--format", "xml", self.mp3)
                self.assertEqual((rc, out), (2, ""))
                self.assertIn("text, json or jsonl", err)


if __name__ == "__main__":
    ctcheck.main()
