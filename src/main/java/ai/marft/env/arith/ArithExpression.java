package ai.marft.env.arith;


import ai.marft.InputError;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One arith problem as a structure: non-negative integer operands and the operators {@code + - *}
 * between them, evaluated with standard precedence ({@code *} before {@code +}/{@code -}, then left
 * to right). Its text is {@code What is 7 + 3 * 8 - 5?} (single spaces around each operator).
 */
public record ArithExpression(List<Integer> operands, List<Character> ops) {
    private static final Pattern PROBLEM = Pattern.compile("What is (\\d+(?: [-+*] \\d+)+)\\?");

    public ArithExpression {
        operands = List.copyOf(operands);
        ops = List.copyOf(ops);
        if (operands.size() != ops.size() + 1 || ops.isEmpty())
            throw new IllegalArgumentException("need k >= 1 operators and k + 1 operands, got " + operands + " " + ops);
        for (char op : ops)
            if (op != '+' && op != '-' && op != '*') throw new IllegalArgumentException("unknown operator " + op);
    }

    /** Reads {@code What is a op b ...?}; anything else is an {@link InputError} quoting the text. */
    public static ArithExpression parse(String problem) {
        Matcher m = PROBLEM.matcher(problem);
        if (!m.matches())
            throw new InputError("arith problem \"" + problem + "\": expected 'What is a op b ...?' with integers, + - *, single spaces");
        String[] parts = m.group(1).split(" ");
        List<Integer> operands = new ArrayList<>();
        List<Character> ops = new ArrayList<>();
        for (int i = 0; i < parts.length; i++) {
            if (i % 2 == 1) ops.add(parts[i].charAt(0));
            else {
                try {
                    operands.add(Integer.parseInt(parts[i]));
                } catch (NumberFormatException e) {
                    throw new InputError("arith problem \"" + problem + "\": operand " + parts[i] + " is out of range");
                }
            }
        }
        ArithExpression e = new ArithExpression(operands, ops);
        try {
            e.value();
        } catch (ArithmeticException overflow) {
            throw new InputError("arith problem \"" + problem + "\": its value overflows a 64-bit integer");
        }
        return e;
    }

    /** The expression alone, e.g. {@code 7 + 3 * 8 - 5}. */
    public String expression() {
        StringBuilder sb = new StringBuilder().append(operands.getFirst());
        for (int i = 0; i < ops.size(); i++) sb.append(' ').append(ops.get(i)).append(' ').append(operands.get(i + 1));
        return sb.toString();
    }

    /** The problem text: {@code What is <expression>?}. */
    public String problem() {
        return "What is " + expression() + "?";
    }

    /** The value under standard precedence ({@link ArithmeticException} on 64-bit overflow). */
    public long value() {
        long sum = 0, term = operands.getFirst();
        char sign = '+';
        for (int i = 0; i < ops.size(); i++) {
            long next = operands.get(i + 1);
            if (ops.get(i) == '*') {
                term = Math.multiplyExact(term, next);
            } else {
                sum = sign == '+' ? Math.addExact(sum, term) : Math.subtractExact(sum, term);
                sign = ops.get(i);
                term = next;
            }
        }
        return sign == '+' ? Math.addExact(sum, term) : Math.subtractExact(sum, term);
    }
}
