/**
 * The one-node ONNX models the native GEMM runs (kernels/native.ts): Y = op(A)·B (+ C), with op
 * the identity or a transpose, every dimension symbolic so one session serves every shape.
 * Written as protobuf bytes here because the models are four nodes' worth of bytes, and a
 * dependency on the `onnx` toolchain (or a .onnx file to ship and locate) would be far more.
 * Field numbers are onnx.proto's (ModelProto, GraphProto, NodeProto, ValueInfoProto, TypeProto).
 */

function varint(n: number): number[] {
  const out: number[] = [];
  while (n > 127) {
    out.push((n & 127) | 128);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return out;
}

const WIRE_VARINT = 0;
const WIRE_BYTES = 2;
const utf8 = new TextEncoder();

function int(field: number, v: number): number[] {
  return [...varint(field * 8 + WIRE_VARINT), ...varint(v)];
}

function bytes(field: number, b: ArrayLike<number>): number[] {
  return [...varint(field * 8 + WIRE_BYTES), ...varint(b.length), ...Array.from(b)];
}

function str(field: number, s: string): number[] {
  return bytes(field, utf8.encode(s));
}

/** A float32 matrix whose two dimensions are named (symbolic). */
function matrix(name: string, rows: string, cols: string): number[] {
  const FLOAT = 1;
  const shape = [...bytes(1, str(2, rows)), ...bytes(1, str(2, cols))]; // TensorShapeProto.dim{dim_param}
  const tensorType = [...int(1, FLOAT), ...bytes(2, shape)]; // TypeProto.Tensor{elem_type, shape}
  return [...str(1, name), ...bytes(2, bytes(1, tensorType))]; // ValueInfoProto{name, type{tensor_type}}
}

/**
 * Gemm (opset 13): Y[M, N] = A'·B (+ C), A' = A [M, K] or, with `transposeA`, Aᵀ for A [K, M];
 * with `accumulate`, C [M, N] is a third input (Gemm's alpha and beta default to 1).
 */
export function gemmModel(transposeA: boolean, accumulate: boolean): Uint8Array {
  const INT_ATTRIBUTE = 2;
  const node = [
    ...str(1, 'A'), ...str(1, 'B'), ...(accumulate ? str(1, 'C') : []),
    ...str(2, 'Y'), ...str(3, 'gemm'), ...str(4, 'Gemm'),
    ...(transposeA ? bytes(5, [...str(1, 'transA'), ...int(3, 1), ...int(20, INT_ATTRIBUTE)]) : []),
  ];
  const graph = [
    ...bytes(1, node), ...str(2, 'rnnlab_gemm'),
    ...bytes(11, transposeA ? matrix('A', 'K', 'M') : matrix('A', 'M', 'K')),
    ...bytes(11, matrix('B', 'K', 'N')),
    ...(accumulate ? bytes(11, matrix('C', 'M', 'N')) : []),
    ...bytes(12, matrix('Y', 'M', 'N')),
  ];
  const IR_VERSION = 8;
  const opset = [...str(1, ''), ...int(2, 13)]; // OperatorSetIdProto{domain "", version 13}
  return Uint8Array.from([...int(1, IR_VERSION), ...bytes(8, opset), ...bytes(7, graph)]);
}
