// Copy the browser builds of the npm dependencies into static/vendor/ (git-ignored), where Django serves them.
import { copyFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const files = [
  "cytoscape/dist/cytoscape.min.js",
  "layout-base/layout-base.js",
  "cose-base/cose-base.js",
  "cytoscape-fcose/cytoscape-fcose.js",
];
const target = join(root, "static", "vendor");
mkdirSync(target, { recursive: true });
for (const file of files) {
  copyFileSync(join(root, "node_modules", file), join(target, file.split("/").pop()));
}
console.log(`Copied ${files.length} files into static/vendor/`);
