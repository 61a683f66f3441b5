package io.thruster.compat.apps;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Runs many stock mqadmin commands in one JVM (saves ~3-4 s of JVM start and netty shutdown per command).
 *
 * <p>Reads one command per stdin line, arguments separated by TAB, and calls the stock
 * {@code org.apache.rocketmq.tools.command.MQAdminStartup.main0(args, null)} of whatever version is on the
 * classpath (exactly what {@code MQAdminStartup.main} does). While the command runs, System.out / System.err are
 * captured; afterwards one line {@code @@RESULT<TAB>base64(stdout)<TAB>base64(stderr)<TAB>millis} is written to
 * the real stdout. Anything else on the real stdout is noise printed between commands.
 *
 * <p>The stock tool calls System.exit(1) on a command-line parse error (and exit(0) for -h). A security
 * manager turns a System.exit during a command into the result's exit code (the JVM must allow it:
 * -Djava.security.manager=allow); outside commands, exit works normally. The result line then carries that code
 * as a fifth field; otherwise the code is 0, as for the real tool.
 *
 * <p>Shutdown shortcut: when a 5.x tool shuts its admin client down, {@code NettyRemotingClient.shutdown} joins
 * its NettyEventExecutor thread, which only notices the stop flag when its 3 s {@code poll} times out; the stock
 * tool therefore often lingers up to 3 s after printing. A watchdog interrupts the main thread while (and only
 * while) it sits in that {@code ServiceThread.shutdown -> Thread.join}; the stock code catches the interrupt and
 * carries on. Output is unaffected (printing is over by then). Disable with -Dcompat.mqadmin.fastShutdown=false.
 */
public final class MqAdminBatch {
    private MqAdminBatch() {
    }

    /** Thrown instead of exiting while a command runs. */
    static final class ExitTrap extends SecurityException {
        private static final long serialVersionUID = 1L;
        final int status;

        ExitTrap(int status) {
            super("System.exit(" + status + ") trapped");
            this.status = status;
        }
    }

    private static volatile boolean trapping;
    /** stderr of the running command, and what it held when System.exit was called (-1: not called). */
    private static volatile ByteArrayOutputStream currentErr;
    private static volatile int trappedErrLen = -1;
    private static volatile int trappedStatus;

    @SuppressWarnings("removal")
    private static void installExitTrap() {
        try {
            System.setSecurityManager(new SecurityManager() {
                @Override
                public void checkExit(int status) {
                    if (trapping) {
                        // the stock main0 catches Exception and prints it: remember where stderr stood so the
                        // trap's own stack trace can be cut off afterwards (a real JVM would have exited here)
                        if (trappedErrLen < 0) {
                            System.err.flush();
                            trappedErrLen = currentErr.size();
                            trappedStatus = status;
                        }
                        throw new ExitTrap(status);
                    }
                }

                @Override
                public void checkPermission(java.security.Permission perm) {
                }

                @Override
                public void checkPermission(java.security.Permission perm, Object context) {
                }
            });
        } catch (UnsupportedOperationException e) {
            // JVM without -Djava.security.manager=allow: an exit then ends the driver (harness sees EOF)
        }
    }

    private static ExitTrap findTrap(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof ExitTrap) {
                return (ExitTrap) c;
            }
        }
        return null;
    }

    /** True if {@code t} is blocked in ServiceThread.shutdown's join during NettyRemotingClient.shutdown. */
    private static boolean inEventExecutorJoin(Thread t) {
        StackTraceElement[] st = t.getStackTrace();
        boolean join = false;
        boolean serviceShutdown = false;
        for (int i = 0; i < st.length && i < 12; i++) {
            String c = st[i].getClassName();
            String m = st[i].getMethodName();
            if (c.equals("java.lang.Thread") && m.equals("join")) {
                join = true;
            } else if (join && c.endsWith(".ServiceThread") && m.equals("shutdown")) {
                serviceShutdown = true;
            } else if (serviceShutdown && c.endsWith(".NettyRemotingClient") && m.equals("shutdown")) {
                return true;
            }
        }
        return false;
    }

    private static void startShutdownWatchdog(Thread main) {
        if (!Boolean.parseBoolean(System.getProperty("compat.mqadmin.fastShutdown", "true"))) {
            return;
        }
        Thread w = new Thread(() -> {
            int seen = 0;
            while (true) {
                try {
                    Thread.sleep(25);
                } catch (InterruptedException e) {
                    return;
                }
                if (trapping && inEventExecutorJoin(main)) {
                    if (++seen >= 2) {
                        main.interrupt();
                        seen = 0;
                    }
                } else {
                    seen = 0;
                }
            }
        }, "mqadmin-batch-shutdown-watchdog");
        w.setDaemon(true);
        w.start();
    }

    public static void main(String[] ignored) throws Exception {
        installExitTrap();
        startShutdownWatchdog(Thread.currentThread());
        Class<?> startup = Class.forName("org.apache.rocketmq.tools.command.MQAdminStartup");
        Class<?> rpcHook = Class.forName("org.apache.rocketmq.remoting.RPCHook");
        Method main0 = startup.getMethod("main0", String[].class, rpcHook);
        // main0 (both versions) appends a fresh instance of every command to this static list on each call, but runs the FIRST
        // match: without clearing it, every command after the first would reuse the first instance, and commands
        // that keep their client in a field (sendMessage, consumeMessage, queryMsgByUniqueKey, brokerConsumeStats)
        // would reuse a client already shut down. Cleared before each command = a fresh JVM's state.
        java.lang.reflect.Field commands;
        try {
            commands = startup.getDeclaredField("subCommandList"); // 4.x
        } catch (NoSuchFieldException e) {
            commands = startup.getDeclaredField("SUB_COMMANDS"); // 5.x
        }
        commands.setAccessible(true);
        PrintStream realOut = System.out;
        PrintStream realErr = System.err;
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        realOut.println("@@READY");
        realOut.flush();
        String line;
        while ((line = in.readLine()) != null) {
            if (line.isEmpty()) {
                continue;
            }
            String[] args = line.split("\t", -1);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            PrintStream capOut = new PrintStream(out, true, StandardCharsets.UTF_8);
            PrintStream capErr = new PrintStream(err, true, StandardCharsets.UTF_8);
            long t0 = System.nanoTime();
            int exit = 0;
            System.setOut(capOut);
            System.setErr(capErr);
            currentErr = err;
            trappedErrLen = -1;
            trapping = true;
            try {
                ((java.util.List<?>) commands.get(null)).clear();
                main0.invoke(null, args, null);
            } catch (Throwable t) {
                ExitTrap trap = findTrap(t);
                if (trap != null) {
                    exit = trap.status;
                } else {
                    (t instanceof InvocationTargetException ? t.getCause() : t).printStackTrace();
                }
            } finally {
                trapping = false;
                Thread.interrupted(); // never carry a watchdog interrupt into the next command
                capOut.flush();
                capErr.flush();
                System.setOut(realOut);
                System.setErr(realErr);
            }
            long ms = (System.nanoTime() - t0) / 1_000_000;
            byte[] errBytes = err.toByteArray();
            if (trappedErrLen >= 0) {
                exit = trappedStatus;
                errBytes = java.util.Arrays.copyOf(errBytes, trappedErrLen);
            }
            Base64.Encoder b64 = Base64.getEncoder();
            realOut.println("@@RESULT\t" + b64.encodeToString(out.toByteArray()) + "\t"
                + b64.encodeToString(errBytes) + "\t" + ms + "\t" + exit);
            realOut.flush();
        }
        System.exit(0);
    }
}
