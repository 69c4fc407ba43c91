//! One module per subcommand.

pub mod access;
pub mod check;
pub mod conformance;
pub mod sql;
pub mod validate;

/// Prints an answer as pretty JSON (exit 0), or the refusal (exit 2 when denied, else 1).
pub fn print_answer<T: serde::Serialize>(answer: Result<T, orgspace_core::Refusal>) -> crate::Exit {
    match answer {
        Ok(v) => match serde_json::to_string_pretty(&v) {
            Ok(text) => {
                println!("{text}");
                crate::Exit::Success
            }
            Err(e) => {
                eprintln!("error: {e}");
                crate::Exit::Failure
            }
        },
        Err(e) => {
            eprintln!("error: {e}");
            if e.is_denied() {
                crate::Exit::Deny
            } else {
                crate::Exit::Failure
            }
        }
    }
}
