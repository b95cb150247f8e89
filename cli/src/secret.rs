//! Secrets and API keys on the command line: given as is, from an environment variable
//! (`HOOKWISE_SECRET`, `HOOKWISE_API_KEY`: clap's `env`, never shown by `--help`), or read from a
//! file with `@PATH` (in a flag or in the variable), so they need not sit in shell history or `ps`.

/// A secret argument: `@PATH` reads the file (one secret: the whole file, its final line break
/// dropped), anything else is the secret itself. Errors name the path, never a secret.
pub fn value(arg: &str) -> Result<String, String> {
    let Some(path) = arg.strip_prefix('@') else { return Ok(arg.to_owned()) };
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read the file {path:?}: {e}"))?;
    let secret = text.strip_suffix('\n').map_or(text.as_str(), |t| t.strip_suffix('\r').unwrap_or(t));
    if secret.is_empty() {
        return Err(format!("the file {path:?} is empty"));
    }
    Ok(secret.to_owned())
}

#[cfg(test)]
mod tests {
    use super::value;

    #[test]
    fn a_file_gives_its_text_without_the_final_line_break() {
        let dir = std::env::temp_dir().join(format!("hookwise-secret-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let cases =
            [("s3cr3t\n", Some("s3cr3t")), ("s3cr3t\r\n", Some("s3cr3t")), ("a b\n\n", Some("a b\n")), ("\n", None)];
        for (text, want) in cases {
            let path = dir.join("secret");
            std::fs::write(&path, text).unwrap();
            assert_eq!(value(&format!("@{}", path.display())).ok().as_deref(), want, "{text:?}");
        }
        assert_eq!(value("whsec_abc").as_deref(), Ok("whsec_abc"));
        let missing = value("@/no/such/file").unwrap_err();
        assert!(missing.contains("/no/such/file"), "{missing}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
