import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { EngineApi } from './engine-api.js';
import { HostRunner } from './exec.js';
import { FakeRunner } from './fake-runner.js';
import { writeImageArchive } from './image-archive.js';
import type { ImageRecipe } from './image-recipe.js';
import { ensureImage, loadImages, recipeHash, type CachedImage } from './images.js';
import { elfInterpreter, rememberedLibraries, sharedLibraries } from './rootfs.js';

class FakeEngine implements EngineApi {
  readonly loaded: string[] = [];
  constructor(private readonly present: Record<string, string>) {}
  async ping() {
    return true;
  }
  async imageId(ref: string) {
    return this.present[ref];
  }
  async loadImage(tarball: string) {
    this.loaded.push(tarball);
  }
  async containerIds() {
    return [];
  }
  async removeContainer() {}
  async storageDriver() {
    return 'overlay2';
  }
}

void describe('loadImages', () => {
  const images: CachedImage[] = [
    { ref: 'skiff/pause:0.1', id: 'sha256:p', tarball: '/c/pause.tar', buildSeconds: 0 },
    { ref: 'node:latest', id: 'sha256:n2', tarball: '/c/node.tar', buildSeconds: 0 },
    { ref: 'skiff/testbox:0.1', id: 'sha256:t', tarball: '/c/testbox.tar', buildSeconds: 0 },
  ];
  void it('loads what is missing or of another build, skips what is there', async () => {
    const engine = new FakeEngine({ 'skiff/pause:0.1': 'sha256:p', 'node:latest': 'sha256:n1' });
    const loaded = await loadImages(engine, images);
    assert.deepEqual(loaded.sort(), ['node:latest', 'skiff/testbox:0.1']);
    assert.deepEqual(engine.loaded.sort(), ['/c/node.tar', '/c/testbox.tar']);
  });
});

void describe('sharedLibraries', () => {
  const listing = '\tlinux-vdso.so.1 (0x00007ffd)\n\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007f)\n\t/lib64/ld-linux-x86-64.so.2 (0x00007f)\n';
  const want = ['/lib/x86_64-linux-gnu/libc.so.6', '/lib64/ld-linux-x86-64.so.2'];
  void it('asks the binary\'s own loader (--list), the loader included', async () => {
    const loader = elfInterpreter(process.execPath);
    assert.ok(loader?.startsWith('/'));
    const runner = new FakeRunner({ [`${loader} --list ${process.execPath}`]: { stdout: listing } });
    assert.deepEqual(await sharedLibraries(runner, process.execPath), want);
    assert.deepEqual(runner.calls, [`${loader} --list ${process.execPath}`]);
  });
  void it('reads ldd output when the binary names no loader', async () => {
    const runner = new FakeRunner({ 'ldd /nonexistent/node': { stdout: listing } });
    assert.deepEqual(await sharedLibraries(runner, '/nonexistent/node'), want);
  });
});

void describe('rememberedLibraries', () => {
  const listing = '\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007f)\n';
  void it('asks once per binary, then answers from the memo; a library gone means asking again', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'skiff-libs-'));
    try {
      const lib = join(dir, 'libfake.so');
      await writeFile(lib, '');
      const loader = elfInterpreter(process.execPath);
      const line = `${loader} --list ${process.execPath}`;
      const runner = new FakeRunner({ [line]: { stdout: `\tlibfake.so => ${lib} (0x1)\n${listing}` } });
      const first = await rememberedLibraries(runner, process.execPath, dir);
      assert.deepEqual(first, [lib, '/lib/x86_64-linux-gnu/libc.so.6']);
      assert.deepEqual(await rememberedLibraries(runner, process.execPath, dir), first);
      assert.equal(runner.calls.length, 1, 'the second answer came from the memo');
      await rm(lib);
      await rememberedLibraries(runner, process.execPath, dir);
      assert.equal(runner.calls.length, 2, 'a remembered library that is gone is looked up again');
      await writeFile(join(dir, 'libraries.json'), '{not json');
      await rememberedLibraries(runner, process.execPath, dir);
      assert.equal(runner.calls.length, 3, 'a broken memo is replaced');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

void describe('image cache', () => {
  const recipe = (text: string): ImageRecipe => ({
    ref: 'skiff/unit:0.1',
    config: { Cmd: ['/hello'] },
    fingerprint: async () => [text],
    populate: async (_runner, root) => {
      await mkdir(root, { recursive: true });
      await writeFile(join(root, 'hello'), text);
    },
  });

  void it('keys the cache by content: a changed recipe gets another hash', async () => {
    const runner = new HostRunner();
    assert.notEqual(await recipeHash(runner, recipe('a')), await recipeHash(runner, recipe('b')));
    assert.equal(await recipeHash(runner, recipe('a')), await recipeHash(runner, recipe('a')));
  });

  void it('builds a docker-load tarball once, then serves it from the cache', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'skiff-lab-unit-'));
    try {
      const runner = new HostRunner();
      const first = await ensureImage(runner, dir, recipe('a'));
      const again = await ensureImage(runner, dir, recipe('a'));
      assert.equal(again.buildSeconds, 0);
      assert.equal(again.id, first.id);
      const manifest = (await runner.run('tar', ['-xOf', first.tarball, 'manifest.json'])).stdout;
      const [m] = JSON.parse(manifest) as { Config: string; RepoTags: string[]; Layers: string[] }[];
      assert.deepEqual(m!.RepoTags, ['skiff/unit:0.1']);
      assert.equal(`sha256:${m!.Config.replace('.json', '')}`, first.id);
      const changed = await ensureImage(runner, dir, recipe('b'));
      assert.notEqual(changed.tarball, first.tarball);
      await assert.rejects(readFile(first.tarball)); // the stale build is dropped
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  void it('writes the config the engine will hash into the image ID', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'skiff-lab-unit-'));
    try {
      const runner = new HostRunner();
      await mkdir(join(dir, 'root'));
      await writeFile(join(dir, 'root', 'f'), 'x');
      const id = await writeImageArchive(runner, join(dir, 'root'), 'a/b:1', { Env: ['A=1'] }, join(dir, 'out.tar'));
      const config = (await runner.run('tar', ['-xOf', join(dir, 'out.tar'), `${id.slice(7)}.json`])).stdout;
      assert.deepEqual((JSON.parse(config) as { config: unknown }).config, { Env: ['A=1'] });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
