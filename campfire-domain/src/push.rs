//! Web Push keys (N1): the server's VAPID key pair and a browser's subscription keys, valid by
//! construction. Pure arithmetic on P-256; the random bytes of a new key are an input.

use base64ct::{Base64UrlUnpadded, Encoding};
use p256::elliptic_curve::sec1::ToEncodedPoint;
use p256::pkcs8::EncodePrivateKey;

use crate::ValueError;

/// The server's VAPID key (RFC 8292): a P-256 private key. Its public half is the
/// `applicationServerKey` browsers subscribe with, and it signs the JWT of every push.
#[derive(Clone)]
pub struct VapidKey {
    secret: p256::SecretKey,
}

impl std::fmt::Debug for VapidKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VapidKey")
            .field("public_key", &self.public_key())
            .finish_non_exhaustive()
    }
}

impl VapidKey {
    /// A key from 32 random bytes; fails (rarely: about once in 2^32) when they are not a valid
    /// P-256 scalar, in which case the caller draws again.
    pub fn from_bytes(bytes: &[u8]) -> Result<VapidKey, ValueError> {
        if bytes.len() != 32 {
            return Err(ValueError::Malformed {
                what: "VAPID key",
                why: "not 32 bytes",
            });
        }
        let secret = p256::SecretKey::from_slice(bytes).map_err(|_| ValueError::Malformed {
            what: "VAPID key",
            why: "not a P-256 private key",
        })?;
        Ok(VapidKey { secret })
    }

    /// A key as kept in the data directory: the private scalar in unpadded base64url.
    pub fn parse(text: &str) -> Result<VapidKey, ValueError> {
        let bytes =
            Base64UrlUnpadded::decode_vec(text.trim()).map_err(|_| ValueError::Malformed {
                what: "VAPID key",
                why: "not base64url",
            })?;
        VapidKey::from_bytes(&bytes)
    }

    /// The form [`VapidKey::parse`] reads.
    pub fn to_text(&self) -> String {
        Base64UrlUnpadded::encode_string(&self.secret.to_bytes())
    }

    /// The public key as browsers want it for `applicationServerKey`: the uncompressed point
    /// (65 bytes) in unpadded base64url.
    pub fn public_key(&self) -> String {
        let point = self.secret.public_key().to_encoded_point(false);
        Base64UrlUnpadded::encode_string(point.as_bytes())
    }

    /// The private key as PKCS#8 DER, which JWT libraries take for ES256.
    pub fn pkcs8_der(&self) -> Result<Vec<u8>, ValueError> {
        self.secret
            .to_pkcs8_der()
            .map(|der| der.as_bytes().to_vec())
            .map_err(|_| ValueError::Malformed {
                what: "VAPID key",
                why: "could not be encoded",
            })
    }
}

/// A browser's subscription keys (RFC 8291): its P-256 public key (`p256dh`) and the 16-byte
/// auth secret, both checked, kept in the base64url form the browser sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PushKeys {
    p256dh: String,
    auth: String,
}

impl PushKeys {
    /// Checks that `p256dh` is a point on P-256 and `auth` is 16 bytes (both unpadded base64url;
    /// padding is tolerated and dropped).
    pub fn parse(p256dh: &str, auth: &str) -> Result<PushKeys, ValueError> {
        let p256dh = p256dh.trim().trim_end_matches('=');
        let auth = auth.trim().trim_end_matches('=');
        let point = Base64UrlUnpadded::decode_vec(p256dh).map_err(|_| ValueError::Malformed {
            what: "subscription key",
            why: "not base64url",
        })?;
        p256::PublicKey::from_sec1_bytes(&point).map_err(|_| ValueError::Malformed {
            what: "subscription key",
            why: "not a P-256 public key",
        })?;
        let secret = Base64UrlUnpadded::decode_vec(auth).map_err(|_| ValueError::Malformed {
            what: "subscription auth secret",
            why: "not base64url",
        })?;
        if secret.len() != 16 {
            return Err(ValueError::Malformed {
                what: "subscription auth secret",
                why: "not 16 bytes",
            });
        }
        Ok(PushKeys {
            p256dh: p256dh.to_owned(),
            auth: auth.to_owned(),
        })
    }

    /// The browser's public key, base64url.
    pub fn p256dh(&self) -> &str {
        &self.p256dh
    }

    /// The auth secret, base64url.
    pub fn auth(&self) -> &str {
        &self.auth
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_survives_its_text_form_and_has_a_65_byte_public_key() {
        let key = VapidKey::from_bytes(&[7u8; 32]).unwrap();
        let again = VapidKey::parse(&key.to_text()).unwrap();
        assert_eq!(key.public_key(), again.public_key());
        let public = Base64UrlUnpadded::decode_vec(&key.public_key()).unwrap();
        assert_eq!((public.len(), public[0]), (65, 4));
        assert!(!key.pkcs8_der().unwrap().is_empty());
        assert!(!format!("{key:?}").contains(&key.to_text()));
    }

    #[test]
    fn invalid_keys_are_refused() {
        assert!(VapidKey::from_bytes(&[0u8; 32]).is_err());
        assert!(VapidKey::from_bytes(&[0xff; 32]).is_err());
        assert!(VapidKey::from_bytes(&[1u8; 31]).is_err());
        assert!(VapidKey::parse("not base64!").is_err());
    }

    #[test]
    fn subscription_keys_are_checked() {
        let browser = VapidKey::from_bytes(&[9u8; 32]).unwrap().public_key();
        let auth = Base64UrlUnpadded::encode_string(&[1u8; 16]);
        let keys = PushKeys::parse(&browser, &format!("{auth}==")).unwrap();
        assert_eq!(
            (keys.p256dh(), keys.auth()),
            (browser.as_str(), auth.as_str())
        );
        assert!(PushKeys::parse("BAAA", &auth).is_err());
        assert!(PushKeys::parse(&browser, "c2hvcnQ").is_err());
        assert!(PushKeys::parse(&browser, "%%%").is_err());
    }
}
