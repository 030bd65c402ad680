// Two steps of the production build, as Vite plugins (Node's zlib, no extra packages):
//
// - `scriptBudget` fails the build when the script a signed-in person needs before a room shows
//   (the entry chunk and everything it imports statically) grows past its budget, compressed
//   with brotli as the server sends it. Lazily loaded chunks (the editor, the highlighter, the QR
//   code, the settings screens) do not count: they load when first needed.
// - `precompress` writes `.br` and `.gz` beside every text file of the build, so the server sends
//   them as they are (chosen by `Accept-Encoding`) instead of compressing on each request.
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Plugin } from "vite";

const brotli = (data: Uint8Array) =>
  brotliCompressSync(data, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
      [constants.BROTLI_PARAM_SIZE_HINT]: data.length,
    },
  });

export function scriptBudget(limitBytes: number): Plugin {
  return {
    name: "campfire-script-budget",
    apply: "build",
    generateBundle(_options, bundle) {
      const chunks = new Map(Object.values(bundle).flatMap((c) => (c.type === "chunk" ? [[c.fileName, c] as const] : [])));
      const needed = new Set<string>();
      const visit = (name: string) => {
        if (needed.has(name)) return;
        needed.add(name);
        for (const next of chunks.get(name)?.imports ?? []) visit(next);
      };
      for (const c of chunks.values()) if (c.isEntry) visit(c.fileName);
      let total = 0;
      for (const name of needed) total += brotli(Buffer.from(chunks.get(name)?.code ?? "")).length;
      const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
      const line = `script before a room shows: ${kb(total)} brotli in ${needed.size} files (budget ${kb(limitBytes)})`;
      if (total > limitBytes) this.error(`${line}. Load what is not needed at once with import().`);
      this.info(line);
    },
  };
}

const TEXT = /\.(js|mjs|css|html|svg|json|webmanifest|txt)$/;

export function precompress(): Plugin {
  let outDir = "dist";
  return {
    name: "campfire-precompress",
    apply: "build",
    configResolved(config) {
      outDir = config.build.outDir;
    },
    closeBundle() {
      const walk = (dir: string): string[] =>
        readdirSync(dir).flatMap((name) => {
          const path = join(dir, name);
          return statSync(path).isDirectory() ? walk(path) : [path];
        });
      for (const path of walk(outDir)) {
        if (!TEXT.test(path)) continue;
        const data = readFileSync(path);
        // Tiny files gain nothing worth a header.
        if (data.length < 512) continue;
        writeFileSync(`${path}.br`, brotli(data));
        writeFileSync(`${path}.gz`, gzipSync(data, { level: 9 }));
      }
    },
  };
}
