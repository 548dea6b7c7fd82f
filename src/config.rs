//! The optional TOML configuration file (`--config`).
//!
//! Its keys are the command-line flags' names (`db_pool_size` or
//! `db-pool-size`). A value from the file is used only where neither a flag
//! nor an environment variable gave one, so the order of precedence is
//! flags, then `PRESSDIR_*` variables, then the file, then the defaults.
//! It works by appending the file's settings to the command line as flags,
//! so clap checks them exactly as it checks typed ones.

use std::ffi::OsString;
use std::path::PathBuf;

use clap::parser::ValueSource;
use clap::{ArgAction, ArgMatches, Command};

/// The command line, with the config file's settings added as flags.
pub fn with_config_file(command: &Command, argv: Vec<OsString>) -> anyhow::Result<Vec<OsString>> {
    // A command line clap refuses is left for clap to report.
    let Ok(matches) = command.clone().try_get_matches_from(&argv) else {
        return Ok(argv);
    };
    let Some(path) = matches.get_one::<PathBuf>("config").cloned() else {
        return Ok(argv);
    };
    let text = std::fs::read_to_string(&path)
        .map_err(|e| anyhow::anyhow!("config file {}: {e}", path.display()))?;
    let table: toml::Table = toml::from_str(&text)
        .map_err(|e| anyhow::anyhow!("config file {}: {e}", path.display()))?;
    let active = active_commands(command, &matches);
    let mut extra = vec![];
    for (key, value) in table {
        let id = key.replace('-', "_");
        let known = id != "config" && every_arg(command).any(|a| a.get_id() == id.as_str());
        if !known {
            anyhow::bail!(
                "config file {}: unknown setting `{key}` (settings are the flags' names, see --help)",
                path.display()
            );
        }
        // A setting of another subcommand (`bind` while migrating) is not for this run.
        let Some((arg, matches)) = active.iter().find_map(|(cmd, m)| {
            cmd.get_arguments()
                .find(|a| a.get_id() == id.as_str())
                .map(|a| (a, *m))
        }) else {
            continue;
        };
        let given = matches!(
            matches.value_source(&id),
            Some(ValueSource::CommandLine | ValueSource::EnvVariable)
        );
        if given {
            continue;
        }
        let flag = format!("--{}", arg.get_long().unwrap_or(&id));
        let setting = |what: &str| {
            anyhow::anyhow!(
                "config file {}: setting `{key}` must be {what}",
                path.display()
            )
        };
        match (arg.get_action(), value) {
            (ArgAction::SetTrue, toml::Value::Boolean(on)) => {
                if on {
                    extra.push(flag.into());
                }
            }
            (ArgAction::SetTrue, _) => return Err(setting("true or false")),
            (_, toml::Value::Array(items)) => {
                for item in items {
                    extra.push(flag.clone().into());
                    extra.push(scalar(item).ok_or_else(|| setting("a list of values"))?);
                }
            }
            (_, value) => {
                extra.push(flag.into());
                extra.push(scalar(value).ok_or_else(|| setting("a string, number or boolean"))?);
            }
        }
    }
    // Before a `--`, after which everything is a positional argument.
    let mut argv = argv;
    let at = argv.iter().position(|a| a == "--").unwrap_or(argv.len());
    argv.splice(at..at, extra);
    Ok(argv)
}

fn scalar(value: toml::Value) -> Option<OsString> {
    match value {
        toml::Value::String(s) => Some(s.into()),
        toml::Value::Integer(i) => Some(i.to_string().into()),
        toml::Value::Float(f) => Some(f.to_string().into()),
        toml::Value::Boolean(b) => Some(b.to_string().into()),
        _ => None,
    }
}

/// The root command and each subcommand this command line runs, with
/// their matches (global flags belong to the root).
fn active_commands<'a>(
    root: &'a Command,
    matches: &'a ArgMatches,
) -> Vec<(&'a Command, &'a ArgMatches)> {
    let mut chain = vec![(root, matches)];
    let (mut command, mut matches) = (root, matches);
    while let Some((name, sub_matches)) = matches.subcommand() {
        let Some(sub) = command.find_subcommand(name) else {
            break;
        };
        chain.push((sub, sub_matches));
        (command, matches) = (sub, sub_matches);
    }
    chain
}

fn every_arg(command: &Command) -> Box<dyn Iterator<Item = &clap::Arg> + '_> {
    Box::new(
        command
            .get_arguments()
            .chain(command.get_subcommands().flat_map(every_arg)),
    )
}
