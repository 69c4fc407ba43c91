//! Finding and parsing scenario files.

use crate::scenario::Scenario;
use std::path::{Path, PathBuf};

/// A scenario with the file it came from.
#[derive(Clone, Debug)]
pub struct LoadedScenario {
    /// The file.
    pub path: PathBuf,
    /// The scenario.
    pub scenario: Scenario,
}

/// Loads every scenario under the paths: JSON files, or folders searched recursively for
/// `*.json`, in path order. A file holds one scenario or an array of them.
pub fn load_paths(paths: &[PathBuf]) -> Result<Vec<LoadedScenario>, String> {
    let mut out = Vec::new();
    for path in paths {
        out.extend(load_path(path)?);
    }
    Ok(out)
}

/// Loads the scenarios of one file or folder.
pub fn load_path(path: &Path) -> Result<Vec<LoadedScenario>, String> {
    let mut files = Vec::new();
    collect(path, &mut files)?;
    files.sort();
    let mut out = Vec::new();
    for file in files {
        let text =
            std::fs::read_to_string(&file).map_err(|e| format!("{}: {e}", file.display()))?;
        let value: serde_json::Value = serde_json::from_str(&text)
            .map_err(|e| format!("{}: not JSON: {e}", file.display()))?;
        let items = match value {
            serde_json::Value::Array(items) => items,
            other => vec![other],
        };
        for (i, item) in items.into_iter().enumerate() {
            let scenario: Scenario = serde_json::from_value(item)
                .map_err(|e| format!("{}: scenario {}: {e}", file.display(), i + 1))?;
            out.push(LoadedScenario {
                path: file.clone(),
                scenario,
            });
        }
    }
    Ok(out)
}

fn collect(path: &Path, files: &mut Vec<PathBuf>) -> Result<(), String> {
    let meta = std::fs::metadata(path).map_err(|e| format!("{}: {e}", path.display()))?;
    if meta.is_file() {
        files.push(path.to_path_buf());
        return Ok(());
    }
    let entries = std::fs::read_dir(path).map_err(|e| format!("{}: {e}", path.display()))?;
    for entry in entries {
        let entry = entry.map_err(|e| format!("{}: {e}", path.display()))?;
        let p = entry.path();
        if p.is_dir() {
            collect(&p, files)?;
        } else if p.extension().is_some_and(|e| e == "json") {
            files.push(p);
        }
    }
    Ok(())
}
