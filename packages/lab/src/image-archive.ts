// Writes a one-layer image tarball in the format `docker save` writes and `docker load` reads
// (manifest.json, the config JSON, the layer tar), straight from a root filesystem directory: no
// engine and no registry needed to build an image.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Runner } from './exec.js';

/** The runtime part of an image config (the OCI/Docker "config" object). */
export interface ImageConfig {
  Env?: string[];
  Cmd?: string[];
  Entrypoint?: string[];
  WorkingDir?: string;
  ExposedPorts?: Record<string, Record<string, never>>;
  Labels?: Record<string, string>;
}

function sha256File(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const h = createHash('sha256');
    createReadStream(path)
      .on('data', (c) => h.update(c))
      .on('error', reject)
      .on('end', () => resolve(h.digest('hex')));
  });
}

function dockerArch(): string {
  return process.arch === 'x64' ? 'amd64' : process.arch;
}

/** Returns the image ID (`sha256:` + digest of the config) the engine will give the image. */
export async function writeImageArchive(runner: Runner, rootfs: string, ref: string, config: ImageConfig, out: string): Promise<string> {
  const work = `${out}.work`;
  await rm(work, { recursive: true, force: true });
  await mkdir(work, { recursive: true });
  try {
    const layerTmp = join(work, 'layer.tar');
    await runner.run('tar', ['--numeric-owner', '--owner=0', '--group=0', '-C', rootfs, '-cf', layerTmp, '.']);
    const diff = await sha256File(layerTmp);
    await mkdir(join(work, diff));
    await rename(layerTmp, join(work, diff, 'layer.tar'));
    await writeFile(join(work, diff, 'VERSION'), '1.0');
    const created = new Date().toISOString();
    const configJson = JSON.stringify({
      architecture: dockerArch(),
      os: 'linux',
      created,
      config: config,
      rootfs: { type: 'layers', diff_ids: [`sha256:${diff}`] },
      history: [{ created, created_by: `skiff-lab image ${ref}` }],
    });
    const configHex = createHash('sha256').update(configJson).digest('hex');
    await writeFile(join(work, `${configHex}.json`), configJson);
    const colon = ref.lastIndexOf(':');
    const manifest = [{ Config: `${configHex}.json`, RepoTags: [ref], Layers: [`${diff}/layer.tar`] }];
    await writeFile(join(work, 'manifest.json'), JSON.stringify(manifest));
    await writeFile(join(work, 'repositories'), JSON.stringify({ [ref.slice(0, colon)]: { [ref.slice(colon + 1)]: diff } }));
    const tmp = `${out}.${process.pid}.tmp`;
    await runner.run('tar', ['-C', work, '-cf', tmp, 'manifest.json', 'repositories', `${configHex}.json`, diff]);
    await rename(tmp, out);
    return `sha256:${configHex}`;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
