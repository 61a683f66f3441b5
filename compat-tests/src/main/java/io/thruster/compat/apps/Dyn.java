package io.thruster.compat.apps;

import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.TreeSet;

/**
 * Reflection over the stock admin API ({@code DefaultMQAdminExt}, the admin body classes), whose classes live in
 * the tools jar (not on the apps' compile classpath) and moved package between 4.x ({@code common.protocol.*},
 * {@code common.admin.*}, {@code common.subscription.*}) and 5.x ({@code remoting.protocol.*}).
 */
final class Dyn {
    private Dyn() {
    }

    /** The first class found among the RocketMQ packages for a name relative to them ("body.TopicList"). */
    static Class<?> cls(String rel) throws ClassNotFoundException {
        for (String p : new String[] {"org.apache.rocketmq.remoting.protocol.", "org.apache.rocketmq.common.protocol.",
            "org.apache.rocketmq.common."}) {
            try {
                return Class.forName(p + rel);
            } catch (ClassNotFoundException e) {
                // next package
            }
        }
        throw new ClassNotFoundException(rel);
    }

    /** Whether the object's class has a public method of that name and parameter count. */
    static boolean has(Object target, String name, int params) {
        for (Method m : target.getClass().getMethods()) {
            if (m.getName().equals(name) && m.getParameterCount() == params) {
                return true;
            }
        }
        return false;
    }

    /** Calls the public method {@code name} whose parameters accept {@code args}; rethrows what it threw. */
    static Object call(Object target, String name, Object... args) throws Exception {
        Method found = null;
        for (Method m : target.getClass().getMethods()) {
            if (m.getName().equals(name) && m.getParameterCount() == args.length && accepts(m.getParameterTypes(), args)) {
                found = m;
                break;
            }
        }
        if (found == null) {
            throw new NoSuchMethodException(target.getClass().getName() + "." + name + "/" + args.length);
        }
        try {
            return found.invoke(target, args);
        } catch (InvocationTargetException e) {
            Throwable c = e.getCause();
            if (c instanceof Exception x) {
                throw x;
            }
            throw (Error) c;
        }
    }

    private static boolean accepts(Class<?>[] types, Object[] args) {
        for (int i = 0; i < types.length; i++) {
            Class<?> t = box(types[i]);
            if (args[i] == null ? types[i].isPrimitive() : !t.isInstance(args[i])) {
                return false;
            }
        }
        return true;
    }

    private static Class<?> box(Class<?> t) {
        if (!t.isPrimitive()) {
            return t;
        }
        return Map.of(boolean.class, Boolean.class, int.class, Integer.class, long.class, Long.class,
            double.class, Double.class, short.class, Short.class, byte.class, Byte.class, char.class, Character.class,
            float.class, Float.class).get(t);
    }

    /** Getter value ({@code getX()} or {@code isX()}). */
    static Object get(Object target, String prop) throws Exception {
        String cap = Character.toUpperCase(prop.charAt(0)) + prop.substring(1);
        try {
            return call(target, "get" + cap);
        } catch (NoSuchMethodException e) {
            return call(target, "is" + cap);
        }
    }

    /** A (possibly private) field, searched up the class hierarchy. */
    static Object field(Object target, String name) throws Exception {
        for (Class<?> c = target.getClass(); c != null; c = c.getSuperclass()) {
            try {
                Field f = c.getDeclaredField(name);
                f.setAccessible(true);
                return f.get(target);
            } catch (NoSuchFieldException e) {
                // superclass
            }
        }
        throw new NoSuchFieldException(name);
    }

    /** A new instance through the public no-argument constructor of the class found by {@link #cls}. */
    static Object make(String rel) throws Exception {
        return cls(rel).getConstructor().newInstance();
    }

    /** Sorted top-level keys of a JSON object text (fastjson2 on 5.x, fastjson on 4.x). */
    static String jsonKeys(String json) {
        for (String c : new String[] {"com.alibaba.fastjson2.JSON", "com.alibaba.fastjson.JSON"}) {
            try {
                Object o = Class.forName(c).getMethod("parseObject", String.class).invoke(null, json);
                return String.join(",", new TreeSet<>(((Map<?, ?>) o).keySet().stream().map(String::valueOf).toList()));
            } catch (ClassNotFoundException e) {
                // other library
            } catch (ReflectiveOperationException | RuntimeException e) {
                return "<unparsable: " + e + ">";
            }
        }
        return "<no json library>";
    }

    /**
     * An exception as an observation: the class's simple name, the response code and the raw remark of the
     * client's MQClientException / MQBrokerException (without the FAQ link the message adds).
     */
    static String error(Throwable e) {
        if (e instanceof InvocationTargetException && e.getCause() != null) {
            e = e.getCause();
        }
        StringBuilder b = new StringBuilder(e.getClass().getSimpleName());
        try {
            b.append(" code=").append(get(e, "responseCode"));
            b.append(" remark=").append(get(e, "errorMessage"));
        } catch (Exception x) {
            b.append(" ").append(e.getMessage());
        }
        return b.toString();
    }
}
