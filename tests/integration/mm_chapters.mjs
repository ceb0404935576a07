// Prints as JSON the chapters music-metadata (npm) reads from the file named first on the
// command line: [{"title": ..., "start_ms": ...}]. The package is loaded from the folder named
// second (tools/node/node_modules/music-metadata, installed by scripts/bootstrap.sh).
import { pathToFileURL } from "node:url";

const [file, module] = process.argv.slice(2);
const mm = await import(pathToFileURL(module + "/lib/index.js").href);
const meta = await mm.parseFile(file, { includeChapters: true });
// start is in timeScale units (seconds when there is none)
const chapters = (meta.format.chapters ?? []).map((c) => ({
    title: c.title,
    start_ms: Math.round(c.start * 1000 / (c.timeScale || 1)),
}));
process.stdout.write(JSON.stringify(chapters) + "\n");
