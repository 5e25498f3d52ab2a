// Runs a Python script inside Pyodide under Node, with no network: the pure wheels in
// WHEELS are unpacked into site-packages (no micropip, no CDN), WORK is mounted at /work.
// Usage: node run.mjs WHEELS WORK SCRIPT   (SCRIPT is a path inside WORK, as /work/...)
import { loadPyodide } from "pyodide";

const [wheels, work, script] = process.argv.slice(2);
const py = await loadPyodide();
for (const [host, mount] of [[wheels, "/wheels"], [work, "/work"]]) {
  py.FS.mkdirTree(mount);
  py.FS.mount(py.FS.filesystems.NODEFS, { root: host }, mount);
}
try {
  py.runPython(`
import glob, site, zipfile
for wheel in sorted(glob.glob("/wheels/*.whl")):
    zipfile.ZipFile(wheel).extractall(site.getsitepackages()[0])
`);
  py.runPython(py.FS.readFile(script, { encoding: "utf8" }), { filename: script });
} catch (error) {
  console.error(String(error));
  process.exit(1);
}
