# Sourced by the build scripts: `cargo_install NAME VERSION` installs a pinned tool into
# ~/.cargo/bin. The tool's own lock file comes first; when the registry lacks a version that
# lock file names (it happens: a registry snapshot older than the tool's release), the tool is
# resolved again against what the registry has, at the same pinned version of the tool itself.
cargo_install() {
  local name="$1" version="$2"
  echo "installing $name $version (once)"
  if ! cargo install "$name" --version "$version" --locked; then
    echo "$name $version: its lock file names a crate version the registry lacks; resolving again"
    cargo install "$name" --version "$version"
  fi
}
