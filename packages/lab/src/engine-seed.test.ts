import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { contextDigest, seedKey } from './engine-seed.js';
import type { CachedImage } from './images.js';

function context(): string {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-seed-ctx-'));
  writeFileSync(join(dir, 'Dockerfile'), 'FROM node:latest\nCOPY . .\n');
  mkdirSync(join(dir, 'lib'));
  writeFileSync(join(dir, 'lib', 'a.js'), 'a');
  return dir;
}

const images = [{ ref: 'node:latest', id: 'sha256:1' }, { ref: 'skiff/pause:0.1', id: 'sha256:2' }] as CachedImage[];

void describe('engine seed keys', () => {
  void it('a build context digest follows every file, name, mode and link, and nothing else', () => {
    const a = context();
    const b = context();
    try {
      const first = contextDigest(a);
      assert.equal(contextDigest(a), first, 'stable');
      assert.equal(contextDigest(b), first, 'the same files elsewhere');
      writeFileSync(join(b, 'lib', 'a.js'), 'b');
      assert.notEqual(contextDigest(b), first, 'a changed file');
      writeFileSync(join(b, 'lib', 'a.js'), 'a');
      assert.equal(contextDigest(b), first);
      writeFileSync(join(b, 'lib', 'b.js'), '');
      assert.notEqual(contextDigest(b), first, 'a new (empty) file');
      rmSync(join(b, 'lib', 'b.js'));
      chmodSync(join(b, 'lib', 'a.js'), 0o755);
      assert.notEqual(contextDigest(b), first, 'a mode');
      chmodSync(join(b, 'lib', 'a.js'), 0o644);
      chmodSync(join(a, 'lib', 'a.js'), 0o644);
      assert.equal(contextDigest(b), contextDigest(a));
      symlinkSync('a.js', join(b, 'lib', 'c.js'));
      const linked = contextDigest(b);
      assert.notEqual(linked, contextDigest(a), 'a symlink');
      rmSync(join(b, 'lib', 'c.js'));
      symlinkSync('b.js', join(b, 'lib', 'c.js'));
      assert.notEqual(contextDigest(b), linked, "a symlink's target");
    } finally {
      rmSync(a, { recursive: true, force: true });
      rmSync(b, { recursive: true, force: true });
    }
  });

  void it("a seed's key names its images and its builds", () => {
    const ctx = context();
    try {
      const plain = seedKey(images);
      assert.equal(seedKey([...images].reverse()), plain, 'the images in any order');
      assert.equal(seedKey(images, []), plain);
      const built = seedKey(images, [{ tag: 'my-app:latest', context: ctx }]);
      assert.notEqual(built, plain);
      assert.notEqual(seedKey(images, [{ tag: 'other:latest', context: ctx }]), built, 'another tag');
      assert.notEqual(seedKey(images.slice(0, 1), [{ tag: 'my-app:latest', context: ctx }]), built, 'other images');
      writeFileSync(join(ctx, 'server.js'), 'changed');
      assert.notEqual(seedKey(images, [{ tag: 'my-app:latest', context: ctx }]), built, 'a changed app');
      assert.match(built, /^[0-9a-f]{16}$/);
    } finally {
      rmSync(ctx, { recursive: true, force: true });
    }
  });
});
