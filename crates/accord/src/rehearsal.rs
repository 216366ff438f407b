//! The rehearsal server's one guard: `--test-clock` only on a loopback address, so that a clock
//! anyone with the operator's account could move never serves a network.

/// Refuses a listen address that is not loopback (`127.0.0.0/8`, `::1` or `localhost`).
pub fn check_listen(listen: &str) -> Result<(), String> {
    let loopback = match listen.parse::<std::net::SocketAddr>() {
        Ok(addr) => addr.ip().is_loopback(),
        Err(_) => listen
            .rsplit_once(':')
            .is_some_and(|(host, port)| host == "localhost" && port.parse::<u16>().is_ok()),
    };
    if loopback {
        Ok(())
    } else {
        Err(format!(
            "--test-clock is refused with the listen address {listen}: a rehearsal server listens \
             on loopback only (such as 127.0.0.1:8080)"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::check_listen;

    #[test]
    fn only_loopback_addresses_may_run_a_rehearsal_clock() {
        for ok in [
            "127.0.0.1:8080",
            "127.0.0.2:1",
            "[::1]:8080",
            "localhost:8080",
        ] {
            assert!(check_listen(ok).is_ok(), "{ok}");
        }
        for refused in [
            "0.0.0.0:8080",
            "[::]:8080",
            "192.168.1.10:8080",
            "example.org:8080",
            "localhost",
            "localhost.example.org:80",
        ] {
            let e = check_listen(refused).unwrap_err();
            assert!(e.contains("--test-clock"), "{refused}: {e}");
        }
    }
}
