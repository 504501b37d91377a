//! Sockets as Linux lists them in a network namespace's tables (`/proc/net/udp` for this
//! process's namespace, `/proc/<pid>/net/tcp6` for another process's), for the readiness checks.

use std::io;

/// A TCP socket in this state listens.
pub(crate) const TCP_LISTEN: u8 = 0x0A;

/// One row of a table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Socket {
    pub(crate) local_port: u16,
    pub(crate) state: u8,
    pub(crate) inode: u64,
}

/// The rows of one table (`tcp`, `tcp6`, `udp`, `udp6`).
pub(crate) fn sockets(path: &str) -> io::Result<Vec<Socket>> {
    Ok(parse(&std::fs::read_to_string(path)?))
}

/// `sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode ...`, after a
/// header line; addresses are `HEXADDR:HEXPORT`.
fn parse(text: &str) -> Vec<Socket> {
    text.lines()
        .skip(1)
        .filter_map(|line| {
            let fields: Vec<&str> = line.split_whitespace().collect();
            let (_, port) = fields.get(1)?.rsplit_once(':')?;
            Some(Socket {
                local_port: u16::from_str_radix(port, 16).ok()?,
                state: u8::from_str_radix(fields.get(3)?, 16).ok()?,
                inode: fields.get(9)?.parse().ok()?,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_give_port_state_and_inode() {
        let text = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n   0: 00000000:1E61 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 261918 1 00000000f1a83bdf 100 0 0 10 0\n   1: 00000000000000000000000000000000:1E62 00000000000000000000000000000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 0 2\n";
        assert_eq!(
            parse(text),
            [
                Socket {
                    local_port: 7777,
                    state: TCP_LISTEN,
                    inode: 261918
                },
                Socket {
                    local_port: 7778,
                    state: 7,
                    inode: 0
                }
            ]
        );
    }
}
