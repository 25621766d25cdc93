package org.melanoscreen.app;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The melanoscreen command line: one jar, one subcommand per job. */
@Command(name = "melanoscreen", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Skin-lesion screening appliance. A screening aid, not a diagnosis.",
        subcommands = {RunCommand.class, ScreenCommand.class, EvalCommand.class, BenchCommand.class, CameraCommand.class,
                ResultsCommand.class, SelftestCommand.class, SynthCommand.class},
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:all inputs processed", "1:some inputs failed", "2:usage or setup error"})
public final class Main {
    public static final int EXIT_INPUT_FAILED = 1;
    public static final int EXIT_SETUP = 2;

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[]{"melanoscreen " + (v == null ? "development build" : v)};
        }
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    public static int run(String... args) {
        CommandLine cli = new CommandLine(new Main());
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof SetupException) {
                commandLine.getErr().println("error: " + e.getMessage());
                return EXIT_SETUP;
            }
            throw e;
        });
        return cli.execute(args);
    }
}
