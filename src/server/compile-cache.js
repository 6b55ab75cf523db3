// Preloaded by `npm start` (--import): Node's compile cache keeps the TypeScript it strips,
// and V8's code, on disk between starts (os.tmpdir()/node-compile-cache unless
// NODE_COMPILE_CACHE says where), so a started proxy does not load the type stripper
// (about 17 MB) or strip and compile its modules again. Plain JavaScript: it runs before
// TypeScript can be cached.
import module from 'node:module';

module.enableCompileCache();
