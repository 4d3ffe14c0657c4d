// Copy the portal's third-party assets from node_modules into static/vendor/.
//
// Nothing third-party is committed: `npm ci` fetches the pinned packages (package-lock.json)
// and this script puts the few files the portal serves next to its own static files,
// together with each package's licence. The portal then works with no internet access.
//
// Run from this folder: `npm ci && node build.mjs` (the Makefile's `assets` target).

import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const vendor = join(here, "..", "static", "vendor");
const require = createRequire(import.meta.url);

/** Each package: the files to copy, as [path inside the package, name under vendor/<dir>]. */
const ASSETS = [
  {
    name: "vazirmatn",
    dir: "vazirmatn",
    files: [
      // The variable font covers every weight (100-900) in one file.
      ["fonts/webfonts/Vazirmatn[wght].woff2", "Vazirmatn-Variable.woff2"],
      ["OFL.txt", "OFL.txt"],
      ["AUTHORS.txt", "AUTHORS.txt"],
    ],
  },
  {
    // The API's /docs page (Swagger UI), served from /static like the font (decision 0018).
    name: "swagger-ui-dist",
    dir: "swagger-ui",
    files: [
      ["swagger-ui-bundle.js", "swagger-ui-bundle.js"],
      ["swagger-ui.css", "swagger-ui.css"],
      ["favicon-32x32.png", "favicon-32x32.png"],
      ["LICENSE", "LICENSE"],
      ["NOTICE", "NOTICE"],
    ],
  },
];

function packageRoot(name) {
  return dirname(require.resolve(`${name}/package.json`));
}

for (const asset of ASSETS) {
  const root = packageRoot(asset.name);
  const version = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).version;
  const target = join(vendor, asset.dir);
  rmSync(target, { recursive: true, force: true });
  mkdirSync(target, { recursive: true });
  for (const [source, name] of asset.files) {
    copyFileSync(join(root, source), join(target, name));
  }
  writeFileSync(join(target, "VERSION"), `${asset.name}@${version}\n`);
  console.log(`vendor/${asset.dir}: ${asset.name}@${version}, ${asset.files.length} files`);
}
