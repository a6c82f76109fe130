package dev.burrow.edge.policy;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelOptions;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.CelType;
import dev.cel.common.types.ListType;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerBuilder;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import dev.cel.runtime.CelVariableResolver;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The CEL of a traffic policy: which variables each phase declares (ngrok's names, so that an expression written for
 * one carries over), compiling an expression to a program once at bind, and running it per request. A rule's
 * expression must be a bool ({@link #compile}), an action's key a string ({@link #compileString}); an undeclared
 * variable, a type mismatch or a syntax error is refused at compile time. At run time a comprehension may take at
 * most {@link #MAX_ITERATIONS} steps, and regular expressions are RE2 (linear time).
 */
final class Expressions {
    /** Steps of all comprehensions ({@code all}, {@code exists}, {@code map}, ...) in one evaluation. */
    static final int MAX_ITERATIONS = 1000;

    private static final CelType HEADERS = MapType.create(SimpleType.STRING, ListType.create(SimpleType.STRING));
    private static final Map<String, CelType> CONNECTION = ordered(
            "conn.client_ip", SimpleType.STRING,
            "conn.client_port", SimpleType.INT,
            "vars", MapType.create(SimpleType.STRING, SimpleType.DYN));
    private static final Map<String, CelType> REQUEST = ordered(
            "req.method", SimpleType.STRING,
            "req.url.path", SimpleType.STRING,
            "req.url.query", SimpleType.STRING,
            "req.url.query_params", HEADERS,
            "req.host", SimpleType.STRING,
            "req.headers", HEADERS,
            "req.user_agent", SimpleType.STRING,
            "req.content_length", SimpleType.INT);
    private static final Map<String, CelType> RESPONSE = ordered(
            "res.status_code", SimpleType.INT,
            "res.headers", HEADERS);

    private static final CelOptions OPTIONS = CelOptions.current().comprehensionMaxIterations(MAX_ITERATIONS).build();
    private static final Map<Phase, CelCompiler> COMPILERS = new EnumMap<>(Phase.class);
    private static final CelRuntime RUNTIME = CelRuntimeFactory.standardCelRuntimeBuilder().setOptions(OPTIONS)
            .build();

    static {
        COMPILERS.put(Phase.ON_TCP_CONNECT, compiler(CONNECTION));
        COMPILERS.put(Phase.ON_HTTP_REQUEST, compiler(CONNECTION, REQUEST));
        COMPILERS.put(Phase.ON_HTTP_RESPONSE, compiler(CONNECTION, REQUEST, RESPONSE));
    }

    private Expressions() {
    }

    /** One compiled expression; {@link #test} runs it. */
    static final class Program {
        private final String source;
        private final CelRuntime.Program program;

        private Program(String source, CelRuntime.Program program) {
            this.source = source;
            this.program = program;
        }

        /** @throws PolicyEvaluationException when the expression fails at run time (a missing map key, say) */
        boolean test(CelVariableResolver variables) {
            return eval(variables, Boolean.class);
        }

        /** The value of a string expression; a {@code dyn} one that is no string fails like a missing key. */
        String text(CelVariableResolver variables) {
            return eval(variables, String.class);
        }

        private <T> T eval(CelVariableResolver variables, Class<T> type) {
            Object value;
            try {
                value = program.eval(variables);
            } catch (CelEvaluationException e) {
                throw new PolicyEvaluationException("expression '" + source + "' failed: " + e.getMessage(), e);
            }
            if (!type.isInstance(value)) {
                // Only a dyn expression (vars.NAME) gets here: the compiler checked every other one's type.
                throw new PolicyEvaluationException("expression '" + source + "' is not a "
                        + type.getSimpleName().toLowerCase(Locale.ROOT) + " but " + value);
            }
            return type.cast(value);
        }

        @Override
        public String toString() {
            return source;
        }
    }

    /** Compiles a bool {@code source} for {@code phase}; a refusal's message is CEL's first line, without the excerpt. */
    static Program compile(Phase phase, String source, int line) throws PolicyException {
        return compile(phase, source, line, SimpleType.BOOL);
    }

    /** Compiles {@code source} for {@code phase} as {@link #compile} does, but it must be a string. */
    static Program compileString(Phase phase, String source, int line) throws PolicyException {
        return compile(phase, source, line, SimpleType.STRING);
    }

    private static Program compile(Phase phase, String source, int line, CelType result) throws PolicyException {
        try {
            CelAbstractSyntaxTree ast = COMPILERS.get(phase).compile(source).getAst();
            CelType type = ast.getResultType();
            if (!type.equals(result) && !type.equals(SimpleType.DYN)) {
                throw new PolicyException(line, "expression '" + source + "' must be a " + result.name() + ", not "
                        + type.name());
            }
            return new Program(source, RUNTIME.createProgram(ast));
        } catch (CelValidationException e) {
            String message = e.getMessage();
            int end = message.indexOf('\n');
            throw new PolicyException(line, "expression '" + source + "': "
                    + (end < 0 ? message : message.substring(0, end)).replace("ERROR: <input>:", "at "));
        } catch (dev.cel.common.CelException e) {
            throw new PolicyException(line, "expression '" + source + "': " + e.getMessage());
        }
    }

    @SafeVarargs
    private static CelCompiler compiler(Map<String, CelType>... groups) {
        // The result type is checked per expression, so that one compiler per phase serves bools and strings.
        CelCompilerBuilder builder = CelCompilerFactory.standardCelCompilerBuilder().setOptions(OPTIONS);
        for (Map<String, CelType> group : groups) {
            group.forEach(builder::addVar);
        }
        return builder.build();
    }

    private static Map<String, CelType> ordered(Object... pairs) {
        Map<String, CelType> map = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put((String) pairs[i], (CelType) pairs[i + 1]);
        }
        return map;
    }
}
