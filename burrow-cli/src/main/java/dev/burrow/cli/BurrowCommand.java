package dev.burrow.cli;

import dev.burrow.Version;
import dev.burrow.agent.ProxyProtocol;
import dev.burrow.agent.Upstream;
import dev.burrow.agent.UpstreamProtocol;
import dev.burrow.config.Durations;
import dev.burrow.edge.config.EdgeConfigFile;
import dev.burrow.edge.PortRange;
import dev.burrow.edge.proxy.Cidr;
import dev.burrow.logging.LogLineWriter;
import dev.burrow.transport.HostPort;
import io.netty.util.ResourceLeakDetector;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.TypeConversionException;

/** The {@code burrow} command line: subcommands for the agent, the edge, a local playground and the config file. */
@Command(name = "burrow",
        mixinStandardHelpOptions = true,
        versionProvider = BurrowCommand.VersionProvider.class,
        description = "Self-hostable tunnels: expose a local service at a public address on an edge you run.",
        subcommands = {HttpCommand.class, TcpCommand.class, TlsCommand.class, StartCommand.class, DevCommand.class,
            EdgeCommand.class, ConfigCommand.class, DiagnoseCommand.class, ServiceCommand.class, HelpCommand.class,
            CompletionCommand.class},
        footerHeading = "%nExit codes:%n",
        footer = {
            "  " + ExitCodes.OK + "  ok",
            "  " + ExitCodes.FAILURE + "  runtime failure, such as an unreachable edge",
            "  " + ExitCodes.USAGE + "  usage error, such as an unknown option or a missing authtoken",
            "  " + ExitCodes.REFUSED + "  refused by the edge: authtoken rejected, hostname taken or invalid,",
            "     or protocol version unsupported",
            "  " + ExitCodes.UNTRUSTED + "  the edge's certificate failed verification"})
public final class BurrowCommand extends CommandGroup {

    public static void main(String[] args) {
        // Netty samples one buffer in 128 for leak tracking by default, each sample costing a stack trace: about
        // 2% of a busy relay's CPU in profiles. The test suite tracks every buffer instead; an operator who
        // suspects a leak sets -Dio.netty.leakDetection.level=simple (or higher) in BURROW_JAVA_OPTS.
        if (System.getProperty("io.netty.leakDetection.level") == null) {
            ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
        }
        ConfigReload.keepIgnoringHangups();
        System.exit(execute(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }

    /** Runs one command line in this process, printing to {@code out} and {@code err}; returns the exit code. */
    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        ErrorReporter errors = new ErrorReporter();
        CommandLine cli = commandLine(out, err, errors);
        Path configFile = EdgeConfigArguments.configPath(args, cli);
        if (configFile == null) {
            return cli.execute(args);
        }
        EdgeConfigFile file;
        try {
            file = EdgeConfigArguments.load(configFile, EdgeConfigArguments.edgeSpec(cli));
        } catch (IOException e) {
            err.println("burrow: " + e.getMessage());
            err.flush();
            return ExitCodes.USAGE;
        }
        // The file's options come first and the command line's may repeat them: the last one given wins.
        cli.setOverwrittenOptionsAllowed(true);
        errors.blameFile(file, args);
        return cli.execute(EdgeConfigArguments.expand(file, args));
    }

    static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        return commandLine(out, err, new ErrorReporter());
    }

    private static CommandLine commandLine(PrintWriter out, PrintWriter err, ErrorReporter errors) {
        return new CommandLine(new BurrowCommand())
                .setOut(out)
                .setErr(err)
                .setCaseInsensitiveEnumValuesAllowed(true)
                .registerConverter(Duration.class, converter(Durations::parse))
                .registerConverter(HostPort.class, converter(HostPort::parse))
                .registerConverter(PortRange.class, converter(PortRange::parse))
                .registerConverter(Upstream.class, converter(Upstream::parse))
                .registerConverter(UpstreamProtocol.class, converter(UpstreamProtocol::parse))
                .registerConverter(Cidr.class, converter(Cidr::parse))
                .registerConverter(ProxyProtocol.class, converter(ProxyProtocol::version))
                .setExecutionStrategy(BurrowCommand::run)
                .setParameterExceptionHandler(errors)
                .setExecutionExceptionHandler(errors);
    }

    /** Sets up logging from the command's options before it runs, but not for --help and --version. */
    private static int run(ParseResult parsed) {
        Integer helpExitCode = CommandLine.executeHelpRequest(parsed);
        if (helpExitCode != null) {
            return helpExitCode;
        }
        ParseResult leaf = parsed;
        while (leaf.hasSubcommand()) {
            leaf = leaf.subcommand();
        }
        Optional<LoggingOptions> logging = LoggingOptions.of(leaf.commandSpec());
        try {
            logging.ifPresent(LoggingOptions::apply);
        } catch (IllegalArgumentException e) {
            // Only an unusable --log target gets here, which is the user's to fix.
            throw new ParameterException(leaf.commandSpec().commandLine(), e.getMessage(), e);
        }
        if (logging.isPresent() && logging.get().jsonOnStdout()) {
            // What the command prints for people joins the JSON lines as events, so stdout stays JSON only.
            leaf.commandSpec().commandLine().setOut(new PrintWriter(new LogLineWriter(), true));
        }
        return new CommandLine.RunLast().execute(parsed);
    }

    // Picocli reports a TypeConversionException's message as is; any other exception it wraps in noise.
    private static <T> CommandLine.ITypeConverter<T> converter(Function<String, T> parse) {
        return text -> {
            try {
                return parse.apply(text);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        };
    }

    static final class VersionProvider implements IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"burrow " + Version.get()};
        }
    }
}
