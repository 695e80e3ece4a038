// node-gyp-build ships no types: it returns whatever the .node file exports.
declare module 'node-gyp-build' {
  function load(dir: string): unknown;
  export = load;
}
