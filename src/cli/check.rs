//! `communique check`: every error and warning of the site, in one run.

use super::RootArg;
use crate::diagnostics::{self, Format};
use crate::render::templates::Theme;
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    pub root: RootArg,
    /// How to print the diagnostics
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Fail (exit 1) on warnings too
    #[arg(long)]
    pub strict: bool,
    #[command(flatten)]
    pub now: super::NowArg,
}

pub(super) fn run(args: Args) -> anyhow::Result<ExitCode> {
    let now = match args.now.resolve() {
        Ok(now) => now,
        Err(usage) => return Ok(usage),
    };
    let root = &args.root.root;
    let loaded = crate::content::load(root);
    let mut all = loaded.diagnostics;
    if let Some(site) = &loaded.site {
        let has_errors = diagnostics::count_errors(&all) > 0;
        // Which group no release reaches is only known when every release loaded.
        let warnings = crate::lint::diagnostics(site, &loaded.sources, now)
            .into_iter()
            .filter(|w| !(has_errors && w.code == "unreached-group"));
        all.extend(warnings);
        let theme = Theme::new(root, &site.config.theme);
        all.extend(theme.check(&theme.environment()));
        all.extend(theme.check_group_templates(site, &loaded.sources));
        // The theme's words in each language, as a build reads them.
        for lang in site.languages() {
            all.extend(crate::render::strings::load(root, &site.config.theme, lang).err().unwrap_or_default());
        }
    }
    super::leave_to_exit((loaded.site, loaded.sources));
    diagnostics::sort(&mut all);
    diagnostics::print(&all, args.format);
    let errors = diagnostics::count_errors(&all);
    let warnings = all.len() - errors;
    if args.format == Format::Text {
        crate::errln!("{errors} error{}, {warnings} warning{}", plural(errors), plural(warnings));
    }
    Ok(if errors > 0 || (args.strict && warnings > 0) { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

pub(super) fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}
