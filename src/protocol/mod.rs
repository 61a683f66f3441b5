//! Typed custom headers and bodies, grouped by request family. Each type names the Java class it mirrors.
