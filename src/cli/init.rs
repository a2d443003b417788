//! `communique init [DIR]`: write the example site, never over existing files.

use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Where to create the site (must be empty or not exist yet)
    #[arg(default_value = ".")]
    pub dir: PathBuf,
}

pub(super) fn run(args: Args) -> anyhow::Result<ExitCode> {
    let dir = &args.dir;
    if dir.exists() {
        if !dir.is_dir() {
            crate::errln!("error: `{}` is a file; name a new folder, such as `communique init my-site`", dir.display());
            return Ok(ExitCode::from(2));
        }
        if std::fs::read_dir(dir)?.next().is_some() {
            crate::errln!(
                "error: `{}` is not empty; run `communique init` with a new folder name, such as `communique init my-site`",
                dir.display()
            );
            return Ok(ExitCode::from(2));
        }
    }
    for (rel, text) in crate::scaffold::FILES {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&path, text)?;
    }
    let cd = if dir == std::path::Path::new(".") { String::new() } else { format!("cd {} && ", dir.display()) };
    crate::outln!("Created a site in {} — next: {cd}communique serve, and open http://127.0.0.1:1111/", dir.display());
    Ok(ExitCode::SUCCESS)
}
