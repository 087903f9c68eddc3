//! The files one command reads and writes, checked before any work starts: an output is never
//! one of the command's inputs, nor another of its outputs.
//!
//! Two paths are the same file when they name the same device and inode (hard links, `./x`
//! and `x`), or the same path once symbolic links are resolved (for an output that does not
//! exist yet). Character devices (`/dev/null`, a terminal) may appear any number of times:
//! writing one never destroys anything.

use std::path::{Path, PathBuf};

use crate::{Error, Result};

/// A command's input and output files, each with the flag that named it (`DATA`, `-o`,
/// `--key`).
#[derive(Debug, Default)]
pub struct FileRoles {
    inputs: Vec<(String, PathBuf)>,
    outputs: Vec<(String, PathBuf)>,
    folders: Vec<(String, PathBuf, FolderWrites)>,
}

/// What a command writes into its output folder: files by name, files by extension (plots),
/// and whole subfolders (part files).
#[derive(Debug, Clone, Copy)]
pub struct FolderWrites {
    /// File names.
    pub names: &'static [&'static str],
    /// Extensions (without the dot) of files it may write under any name.
    pub extensions: &'static [&'static str],
    /// Subfolders it owns entirely.
    pub subfolders: &'static [&'static str],
}

impl FolderWrites {
    /// Whether the file at `path` (resolved) is one the command may write into `dir`
    /// (resolved).
    fn covers(&self, dir: &Path, path: &Path) -> bool {
        if self
            .subfolders
            .iter()
            .any(|sub| path.starts_with(dir.join(sub)))
        {
            return true;
        }
        if path.parent() != Some(dir) {
            return false;
        }
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        let extension = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        self.names.contains(&name) || self.extensions.contains(&extension)
    }
}

impl FileRoles {
    /// No files yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// An input, named by `role` in messages.
    pub fn input(mut self, role: &str, path: &Path) -> Self {
        self.inputs.push((role.to_string(), path.to_path_buf()));
        self
    }

    /// An input given or not.
    pub fn maybe_input(self, role: &str, path: Option<&Path>) -> Self {
        match path {
            Some(p) => self.input(role, p),
            None => self,
        }
    }

    /// Inputs all named by `role` (a flag given several times).
    pub fn inputs<'a>(self, role: &str, paths: impl IntoIterator<Item = &'a Path>) -> Self {
        paths
            .into_iter()
            .fold(self, |roles, p| roles.input(role, p))
    }

    /// An output, named by `role` in messages.
    pub fn output(mut self, role: &str, path: &Path) -> Self {
        self.outputs.push((role.to_string(), path.to_path_buf()));
        self
    }

    /// An output given or not.
    pub fn maybe_output(self, role: &str, path: Option<&Path>) -> Self {
        match path {
            Some(p) => self.output(role, p),
            None => self,
        }
    }

    /// An output folder `dir` (named by `role`) and what the command writes into it: an input
    /// there that the command may write over is refused.
    pub fn output_folder(mut self, role: &str, dir: &Path, writes: FolderWrites) -> Self {
        self.folders
            .push((role.to_string(), dir.to_path_buf(), writes));
        self
    }

    /// Refuses an output that is an input or another output, with a one-line error naming the
    /// file and both of its roles.
    pub fn check(&self) -> Result<()> {
        let outputs: Vec<(&str, &Path, Option<Identity>)> = self
            .outputs
            .iter()
            .map(|(role, path)| (role.as_str(), path.as_path(), Identity::of(path)))
            .collect();
        for (k, (role, path, id)) in outputs.iter().enumerate() {
            let Some(id) = id else { continue };
            for (in_role, in_path) in &self.inputs {
                if Identity::of(in_path).as_ref() == Some(id) {
                    return Err(clash(path, role, "the input", in_role));
                }
            }
            for (other_role, _, other) in &outputs[..k] {
                if other.as_ref() == Some(id) {
                    return Err(clash(path, role, "the output", other_role));
                }
            }
        }
        for (role, dir, writes) in &self.folders {
            let dir = std::fs::canonicalize(dir).unwrap_or_else(|_| resolved(dir));
            for (in_role, in_path) in &self.inputs {
                let path = std::fs::canonicalize(in_path).unwrap_or_else(|_| resolved(in_path));
                if writes.covers(&dir, &path) {
                    return Err(Error::input(
                        in_path,
                        format!(
                            "is the input {in_role} and a file the output folder {role} holds results in; an output never replaces an input: move it or name another folder"
                        ),
                    ));
                }
            }
        }
        Ok(())
    }
}

/// Whether `dir` exists and holds anything (a run folder's part or cell files).
pub fn holds_files(dir: &Path) -> bool {
    std::fs::read_dir(dir).is_ok_and(|mut entries| entries.next().is_some())
}

fn clash(path: &Path, role: &str, kind: &str, other: &str) -> Error {
    Error::input(
        path,
        format!(
            "is both {kind} {other} and the output {role}; an output never replaces an input or another output: name another file"
        ),
    )
}

/// What makes two paths the same file.
#[derive(Debug, PartialEq, Eq)]
enum Identity {
    /// An existing file: its device and inode.
    Inode(u64, u64),
    /// A file not there yet: its path with the folder's links resolved.
    Path(PathBuf),
}

impl Identity {
    /// `None` for a character device, which any number of roles may share.
    fn of(path: &Path) -> Option<Identity> {
        match std::fs::metadata(path) {
            Ok(meta) => inode(&meta),
            Err(_) => Some(Identity::Path(resolved(path))),
        }
    }
}

#[cfg(unix)]
fn inode(meta: &std::fs::Metadata) -> Option<Identity> {
    use std::os::unix::fs::{FileTypeExt, MetadataExt};
    if meta.file_type().is_char_device() {
        return None;
    }
    Some(Identity::Inode(meta.dev(), meta.ino()))
}

#[cfg(not(unix))]
fn inode(_meta: &std::fs::Metadata) -> Option<Identity> {
    None
}

/// `path` with its folder resolved (links, `..`), for a file that does not exist yet; a path
/// whose folder does not exist either stays as given, made absolute.
fn resolved(path: &Path) -> PathBuf {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    match (absolute.parent(), absolute.file_name()) {
        (Some(dir), Some(name)) => match std::fs::canonicalize(dir) {
            Ok(dir) => dir.join(name),
            Err(_) => absolute,
        },
        _ => absolute,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_output_that_is_an_input_is_refused_by_any_name() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("g.deanon");
        std::fs::write(&data, "x").unwrap();
        let again = dir.path().join(".").join("g.deanon");
        let e = FileRoles::new()
            .input("DATA", &data)
            .output("-o", &again)
            .check()
            .unwrap_err()
            .to_string();
        assert!(e.contains("input DATA") && e.contains("output -o"), "{e}");
        #[cfg(unix)]
        {
            let link = dir.path().join("link.deanon");
            std::os::unix::fs::symlink(&data, &link).unwrap();
            let hard = dir.path().join("hard.deanon");
            std::fs::hard_link(&data, &hard).unwrap();
            for other in [&link, &hard] {
                assert!(
                    FileRoles::new()
                        .input("DATA", &data)
                        .output("--key", other)
                        .check()
                        .is_err(),
                    "{other:?}"
                );
            }
        }
    }

    #[test]
    fn two_outputs_that_are_one_file_are_refused_before_either_exists() {
        let dir = tempfile::tempdir().unwrap();
        let x = dir.path().join("x.json");
        let e = FileRoles::new()
            .output("-o", &x)
            .output("--per-person", &dir.path().join(".").join("x.json"))
            .check()
            .unwrap_err()
            .to_string();
        assert!(e.contains("the output -o"), "{e}");
    }

    #[test]
    fn an_input_among_a_folders_results_is_refused_and_others_pass() {
        let dir = tempfile::tempdir().unwrap();
        let writes = FolderWrites {
            names: &["audit.json"],
            extensions: &["png"],
            subfolders: &["parts"],
        };
        std::fs::create_dir(dir.path().join("parts")).unwrap();
        for (name, refused) in [
            ("audit.json", true),
            ("plot.png", true),
            ("parts/policy-000.json", true),
            ("data.deanon", false),
            ("items.json", false),
        ] {
            let input = dir.path().join(name);
            std::fs::write(&input, "x").unwrap();
            let checked = FileRoles::new()
                .input("DATA", &input)
                .output_folder("-o", dir.path(), writes)
                .check();
            assert_eq!(checked.is_err(), refused, "{name}: {checked:?}");
        }
    }

    #[test]
    fn devices_and_distinct_files_pass() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("g.deanon");
        std::fs::write(&data, "x").unwrap();
        FileRoles::new()
            .input("DATA", &data)
            .output("-o", &dir.path().join("r.deanon"))
            .output("--key", Path::new("/dev/null"))
            .output("--utility", Path::new("/dev/null"))
            .check()
            .unwrap();
    }
}
