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

const FLOAT = 1;
const INT64 = 7;

/** A tensor of `elemType` whose dimensions are named (symbolic) or fixed (numbers). */
function tensor(name: string, elemType: number, dims: (string | number)[]): number[] {
  // TensorShapeProto.dim{dim_value | dim_param}
  const shape = dims.flatMap((d) => bytes(1, typeof d === 'number' ? int(1, d) : str(2, d)));
  const tensorType = [...int(1, elemType), ...bytes(2, shape)]; // TypeProto.Tensor{elem_type, shape}
  return [...str(1, name), ...bytes(2, bytes(1, tensorType))]; // ValueInfoProto{name, type{tensor_type}}
}

/** A float32 matrix whose two dimensions are named (symbolic). */
function matrix(name: string, rows: string, cols: string): number[] {
  return tensor(name, FLOAT, [rows, cols]);
}

/** NodeProto{input, output, name, op_type, attribute: integer ones}. */
function node(op: string, inputs: string[], outputs: string[], attrs: Record<string, number> = {}): number[] {
  const INT_ATTRIBUTE = 2;
  return [
    ...inputs.flatMap((i) => str(1, i)),
    ...outputs.flatMap((o) => str(2, o)),
    ...str(3, outputs[0]),
    ...str(4, op),
    ...Object.entries(attrs).flatMap(([k, v]) => bytes(5, [...str(1, k), ...int(3, v), ...int(20, INT_ATTRIBUTE)])),
  ];
}

function model(graph: number[]): Uint8Array {
  const IR_VERSION = 8;
  const opset = [...str(1, ''), ...int(2, 13)]; // OperatorSetIdProto{domain "", version 13}
  return Uint8Array.from([...int(1, IR_VERSION), ...bytes(8, opset), ...bytes(7, graph)]);
}

/**
 * Gemm (opset 13): Y[M, N] = A'·B (+ C), A' = A [M, K] or, with `transposeA`, Aᵀ for A [K, M];
 * with `accumulate`, C [M, N] is a third input (Gemm's alpha and beta default to 1).
 */
export function gemmModel(transposeA: boolean, accumulate: boolean): Uint8Array {
  const graph = [
    ...bytes(1, node('Gemm', ['A', 'B', ...(accumulate ? ['C'] : [])], ['Y'], transposeA ? { transA: 1 } : {})),
    ...str(2, 'rnnlab_gemm'),
    ...bytes(11, transposeA ? matrix('A', 'K', 'M') : matrix('A', 'M', 'K')),
    ...bytes(11, matrix('B', 'K', 'N')),
    ...(accumulate ? bytes(11, matrix('C', 'M', 'N')) : []),
    ...bytes(12, matrix('Y', 'M', 'N')),
  ];
  return model(graph);
}

/**
 * The output layer and its softmax cross-entropy, forward and backward, in one graph: the logits
 * [N, V] and their gradient stay inside onnxruntime, where three separate products moved them
 * (and Wᵀ) across the binding four times.
 *   Z = X·Wᵀ + b,  LP = log_softmax(Z),  NLL = −LP[label]            (NLL is returned as LP[label])
 *   G = softmax(Z) − onehot(label),  dWᵀ = (sX)ᵀ·G,  dX = s(G·W),  db = s·Σ_rows G
 * Inputs X [N, H], WT [H, V], Bv [V], L [N, 1] int64 labels (all ≥ 0), S [1] the loss's scale,
 * ONE [1] = 1, AX [1] int64 = 0; outputs LPL [N, 1], DWT [H, V], DX [N, H], DB [V]. The scale is
 * applied to the small operands (X, dX, db), not to G.
 */
export function outputLayerModel(): Uint8Array {
  const graph = [
    ...bytes(1, node('Gemm', ['X', 'WT', 'Bv'], ['Z'])),
    ...bytes(1, node('LogSoftmax', ['Z'], ['LP'], { axis: 1 })),
    ...bytes(1, node('GatherElements', ['LP', 'L'], ['LPL'], { axis: 1 })),
    ...bytes(1, node('Exp', ['LP'], ['P'])),
    ...bytes(1, node('GatherElements', ['P', 'L'], ['PL'], { axis: 1 })),
    ...bytes(1, node('Sub', ['PL', 'ONE'], ['PL1'])),
    ...bytes(1, node('ScatterElements', ['P', 'L', 'PL1'], ['G'], { axis: 1 })),
    ...bytes(1, node('Mul', ['X', 'S'], ['XS'])),
    ...bytes(1, node('Gemm', ['XS', 'G'], ['DWT'], { transA: 1 })),
    ...bytes(1, node('Gemm', ['G', 'WT'], ['DX0'], { transB: 1 })),
    ...bytes(1, node('Mul', ['DX0', 'S'], ['DX'])),
    ...bytes(1, node('ReduceSum', ['G', 'AX'], ['DB0'], { keepdims: 0 })),
    ...bytes(1, node('Mul', ['DB0', 'S'], ['DB'])),
    ...str(2, 'rnnlab_output_layer'),
    ...bytes(11, tensor('X', FLOAT, ['N', 'H'])),
    ...bytes(11, tensor('WT', FLOAT, ['H', 'V'])),
    ...bytes(11, tensor('Bv', FLOAT, ['V'])),
    ...bytes(11, tensor('L', INT64, ['N', 1])),
    ...bytes(11, tensor('S', FLOAT, [1])),
    ...bytes(11, tensor('ONE', FLOAT, [1])),
    ...bytes(11, tensor('AX', INT64, [1])),
    ...bytes(12, tensor('LPL', FLOAT, ['N', 1])),
    ...bytes(12, tensor('DWT', FLOAT, ['H', 'V'])),
    ...bytes(12, tensor('DX', FLOAT, ['N', 'H'])),
    ...bytes(12, tensor('DB', FLOAT, ['V'])),
  ];
  return model(graph);
}
