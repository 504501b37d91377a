//! Game-server environment from the command line: `--env NAME=VALUE` (for values that are no
//! secret: a command line is visible to every user of the machine in `ps`) and `--env-file FILE`
//! (for secrets such as `HATHORA_DEV_TOKEN`: the file's permissions protect them). Errors name
//! the flag, file and line, never a value.

use std::path::Path;

use super::ConfigError;

/// `NAME=VALUE` as `--env` takes it.
pub(super) fn parse_assignment(flag: &str, text: &str) -> Result<(String, String), ConfigError> {
    let Some((name, value)) = text.split_once('=') else {
        return Err(ConfigError(format!(
            "{flag} wants NAME=VALUE, got no '=' (value not shown)"
        )));
    };
    check_name(name).map_err(|m| ConfigError(format!("{flag}: {m}")))?;
    Ok((name.to_string(), value.to_string()))
}

/// Reads `NAME=VALUE` lines: blank lines and lines starting with `#` are skipped; the value is
/// the rest of the line as written (no quotes, escapes or expansion; a trailing `\r` dropped).
pub(super) fn read(path: &Path) -> Result<Vec<(String, String)>, ConfigError> {
    let shown = path.display();
    let text = std::fs::read_to_string(path)
        .map_err(|e| ConfigError(format!("--env-file {shown}: {e}")))?;
    let mut vars = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        let trimmed = line.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let at = |m: &str| ConfigError(format!("--env-file {shown}: line {}: {m}", i + 1));
        let (name, value) = trimmed
            .split_once('=')
            .ok_or_else(|| at("wants NAME=VALUE, got no '=' (value not shown)"))?;
        check_name(name).map_err(|m| at(&m))?;
        vars.push((name.to_string(), value.to_string()));
    }
    Ok(vars)
}

/// A portable variable name: a letter or `_`, then letters, digits and `_`.
fn check_name(name: &str) -> Result<(), String> {
    let mut chars = name.chars();
    let first_ok = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
    if first_ok && chars.all(|c| c.is_ascii_alphanumeric() || c == '_') {
        Ok(())
    } else {
        Err(format!(
            "{name:?} is not a variable name ([A-Za-z_][A-Za-z0-9_]*)"
        ))
    }
}

/// True for a name that suggests a secret, whose value on a command line `ps` would show.
pub(super) fn looks_secret(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    ["TOKEN", "SECRET", "PASSWORD", "PASSWD", "CREDENTIAL", "KEY"]
        .iter()
        .any(|word| upper.contains(word))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn assignments() {
        assert_eq!(
            parse_assignment("--env", "MODE=ranked=yes").unwrap(),
            ("MODE".into(), "ranked=yes".into())
        );
        assert_eq!(
            parse_assignment("--env", "EMPTY=").unwrap(),
            ("EMPTY".into(), String::new())
        );
        for bad in ["NOVALUE", "=v", "1X=v", "A B=v", "A-B=v"] {
            let e = parse_assignment("--env", bad).unwrap_err().0;
            assert!(e.starts_with("--env"), "{bad}: {e}");
        }
        let e = parse_assignment("--env", "hunter2").unwrap_err().0;
        assert!(!e.contains("hunter2"), "{e}");
    }

    #[test]
    fn files_skip_comments_and_keep_values_as_written() {
        let dir = std::env::temp_dir().join(format!("env-file-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("game.env");
        std::fs::write(
            &path,
            "# comment\n\n  HATHORA_DEV_TOKEN=s3cret\r\nQUOTED=\"as is\" # not a comment\nSPACE= x \n",
        )
        .unwrap();
        assert_eq!(
            read(&path).unwrap(),
            vec![
                ("HATHORA_DEV_TOKEN".into(), "s3cret".into()),
                ("QUOTED".into(), "\"as is\" # not a comment".into()),
                ("SPACE".into(), " x ".into()),
            ]
        );
        std::fs::write(&path, "OK=1\nhunter2\n").unwrap();
        let e = read(&path).unwrap_err().0;
        assert!(e.contains("line 2") && !e.contains("hunter2"), "{e}");
        std::fs::remove_dir_all(&dir).unwrap();
        assert!(read(&path).unwrap_err().0.contains("game.env"));
    }

    #[test]
    fn secret_looking_names() {
        for name in ["HATHORA_DEV_TOKEN", "api_key", "DB_PASSWORD", "MY_SECRET"] {
            assert!(looks_secret(name), "{name}");
        }
        for name in ["MODE", "MAP", "LOG_LEVEL"] {
            assert!(!looks_secret(name), "{name}");
        }
    }
}
