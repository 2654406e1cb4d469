// The part of the WebAssembly JavaScript API the kernels use: Node.js has it, but @types/node 20
// does not declare it (TypeScript's own declarations come with the DOM library, which we do not load).
declare namespace WebAssembly {
  class Module {
    constructor(bytes: Uint8Array);
  }
  class Instance {
    constructor(module: Module, imports: object);
    readonly exports: Record<string, unknown>;
  }
  class Memory {
    readonly buffer: ArrayBuffer;
    grow(pages: number): number;
  }
}
