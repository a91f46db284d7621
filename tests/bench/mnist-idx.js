// Reads one of MNIST's gzip IDX files in a bench page: {shape, data}. Shared by the TF.js and
// ConvNetJS benchmark pages.
async function idx(url) { // eslint-disable-line no-unused-vars
  const res = await fetch(url);
  const stream = res.body.pipeThrough(new DecompressionStream("gzip"));
  const buf = new Uint8Array(await new Response(stream).arrayBuffer());
  const dims = buf[3];
  const view = new DataView(buf.buffer);
  const shape = [];
  for (let i = 0; i < dims; i++) shape.push(view.getUint32(4 + 4 * i));
  return { shape, data: buf.subarray(4 + 4 * dims) };
}
