/**
 * Names that several boundaries carry: the backends a run can use and the optimisers a trainer
 * steps with. Here, below the engine and the extension, so both name them the same way.
 */
export type BackendName = 'wasm' | 'tensorflow' | 'cpu';
export type OptimizerName = 'adam' | 'sgd';
