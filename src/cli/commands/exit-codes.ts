/** Every variant ok, no budget broken. */
export const ALL_PASSED = 0;
/** A variant failed (the others were still measured). */
export const VARIANT_FAILED = 1;
/** Bad input: an option, a path, a config; nothing was measured. */
export const BAD_INPUT = 2;
/** A budget of the config was broken (see `imgbench.config.json`). */
export const BUDGET_BREACHED = 3;
