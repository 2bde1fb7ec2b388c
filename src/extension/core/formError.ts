/** Why a setup form's values cannot start training, and the option (field) it is about: every flow's form shows it and marks the field. */
export class FormError extends Error {
  constructor(
    message: string,
    readonly option?: string,
  ) {
    super(message);
  }
}
