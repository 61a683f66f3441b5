//! Java-style `.properties` files (`broker.conf`, `namesrv.conf`).
