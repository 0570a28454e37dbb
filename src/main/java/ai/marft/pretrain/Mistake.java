package ai.marft.pretrain;

/** The plausible wrong turns of the noisy teacher (README "The arith task": noise model). */
public enum Mistake {
    /** Planner: one product stated off by ±1, ±2, ±10 or a neighbouring times-table entry. */
    PRODUCT_SLIP,
    /** Planner: left to right through the last {@code *}, ignoring precedence. */
    WRONG_ORDER,
    /** Planner: one {@code +}/{@code -} of what is left copied as the other sign. */
    SIGN_FLIP,
    /** Solver: one addition/subtraction stated off by ±1, ±2 or ±10, carried on from there. */
    CHAIN_SLIP,
    /** Solver: adds up what is left from the right ({@code a - b + c} as {@code a - (b + c)}). */
    RIGHT_TO_LEFT,
    /** Solver: boxes the first intermediate result and stops. */
    STOP_EARLY,
    /** Solver: carries out a wrong plan faithfully instead of correcting it. */
    FOLLOWED_WRONG_PLAN;

    /** Whether this is a mistake in a plan (else in carrying one out). */
    public boolean inPlan() {
        return this == PRODUCT_SLIP || this == WRONG_ORDER || this == SIGN_FLIP;
    }
}
