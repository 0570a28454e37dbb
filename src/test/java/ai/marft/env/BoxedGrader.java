package ai.marft.env;

/** Test grader: the answer is the content of the last {@code \boxed{...}} (no nesting); equal means equal after trimming. */
public final class BoxedGrader implements Grader {
    @Override
    public String extract(String text) {
        int start = text.lastIndexOf("\\boxed{");
        if (start < 0) return null;
        int end = text.indexOf('}', start);
        return end < 0 ? null : text.substring(start + "\\boxed{".length(), end);
    }

    @Override
    public boolean equal(String predicted, String gold) {
        return predicted.trim().equals(gold.trim());
    }
}
