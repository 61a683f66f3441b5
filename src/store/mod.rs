pub mod config_file;
pub mod config_files;
