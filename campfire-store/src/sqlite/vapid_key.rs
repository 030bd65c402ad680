//! The server's VAPID key (N1) in the data directory: `vapid.key`, the private key in base64url,
//! readable only by its owner. Created at first start; replaced by `campfire-cli vapid rotate`.

use campfire_domain::VapidKey;

use super::DataDir;
use crate::StoreError;

/// 32 random bytes, from the caller (the store draws no randomness of its own).
pub type Random<'a> = &'a mut dyn FnMut() -> Result<[u8; 32], String>;

impl DataDir {
    /// The VAPID key file.
    pub fn vapid_key_file(&self) -> std::path::PathBuf {
        self.root().join("vapid.key")
    }

    /// The VAPID key, if the file exists; an unreadable or invalid file is an error, never
    /// silently replaced (subscriptions depend on the key).
    pub fn read_vapid_key(&self) -> Result<Option<VapidKey>, StoreError> {
        match std::fs::read_to_string(self.vapid_key_file()) {
            Ok(text) => VapidKey::parse(&text)
                .map(Some)
                .map_err(|e| StoreError::Corrupt(format!("vapid.key: {e}"))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(StoreError::Backend(Box::new(e))),
        }
    }

    /// The VAPID key, created from `random` on first use.
    pub fn vapid_key(&self, random: Random<'_>) -> Result<VapidKey, StoreError> {
        match self.read_vapid_key()? {
            Some(key) => Ok(key),
            None => self.new_vapid_key(random),
        }
    }

    /// Replaces the VAPID key with a new one (written to a temporary file, then renamed over
    /// the old one, so a crash leaves one whole key or the other).
    pub fn new_vapid_key(&self, random: Random<'_>) -> Result<VapidKey, StoreError> {
        self.create()?;
        let key = loop {
            // A random 32-byte string is a valid P-256 scalar except about once in 2^32.
            let bytes = random().map_err(|e| StoreError::Backend(e.into()))?;
            if let Ok(key) = VapidKey::from_bytes(&bytes) {
                break key;
            }
        };
        let staging = self.root().join("vapid.key.new");
        let io = |e: std::io::Error| StoreError::Backend(Box::new(e));
        {
            use std::io::Write;
            let mut options = std::fs::OpenOptions::new();
            options.write(true).create(true).truncate(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
            let mut file = options.open(&staging).map_err(io)?;
            file.write_all(format!("{}\n", key.to_text()).as_bytes())
                .map_err(io)?;
            file.sync_all().map_err(io)?;
        }
        std::fs::rename(&staging, self.vapid_key_file()).map_err(io)?;
        Ok(key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_is_created_once_kept_private_and_replaced_on_rotation() {
        let dir = tempfile::tempdir().unwrap();
        let data = DataDir::new(dir.path());
        let mut seed = 0u8;
        let mut random = || {
            seed += 1;
            Ok([seed; 32])
        };
        assert!(data.read_vapid_key().unwrap().is_none());
        let first = data.vapid_key(&mut random).unwrap();
        let again = data.vapid_key(&mut random).unwrap();
        assert_eq!(first.public_key(), again.public_key());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(data.vapid_key_file())
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let rotated = data.new_vapid_key(&mut random).unwrap();
        assert_ne!(rotated.public_key(), first.public_key());
        assert_eq!(
            data.read_vapid_key().unwrap().unwrap().public_key(),
            rotated.public_key()
        );
        std::fs::write(data.vapid_key_file(), "garbage").unwrap();
        assert!(
            data.vapid_key(&mut random).is_err(),
            "never silently replaced"
        );
    }
}
