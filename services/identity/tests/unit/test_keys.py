from pathlib import Path

import pytest
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey

from identity_service.infrastructure.keys import KeyConfigurationError, SigningKeys


def pem_file(tmp_path: Path, name: str, key: RSAKey, *, private: bool = True) -> Path:
    path = tmp_path / name
    path.write_bytes(key.as_pem(private=private))
    return path


def test_kid_is_the_rfc7638_thumbprint_and_the_jwks_has_no_private_parts(tmp_path):
    key = RSAKey.generate_key(2048)
    keys = SigningKeys.from_files(pem_file(tmp_path, "current.pem", key))
    [jwk] = keys.jwks()["keys"]
    assert jwk["kid"] == key.thumbprint() == keys.kid
    assert jwk["alg"] == "RS256" and jwk["use"] == "sig"
    assert not {"d", "p", "q", "dp", "dq", "qi"} & set(jwk)


def test_after_a_rotation_tokens_of_the_previous_key_still_verify(tmp_path):
    old, new = RSAKey.generate_key(2048), RSAKey.generate_key(2048)
    before = SigningKeys.from_files(pem_file(tmp_path, "old.pem", old))
    issued_before_rotation = before.sign({"sub": "x"})

    after = SigningKeys.from_files(
        pem_file(tmp_path, "new.pem", new),
        [pem_file(tmp_path, "old-public.pem", old, private=False)],
    )
    published = KeySet.import_key_set(after.jwks())
    assert [k.kid for k in published.keys] == [new.thumbprint(), old.thumbprint()]
    assert jwt.decode(issued_before_rotation, published, algorithms=["RS256"]).claims["sub"] == "x"
    assert (
        jwt.decode(after.sign({"sub": "y"}), published, algorithms=["RS256"]).claims["sub"] == "y"
    )


def test_the_current_key_is_not_listed_twice_when_also_given_as_previous(tmp_path):
    key = RSAKey.generate_key(2048)
    keys = SigningKeys.from_files(
        pem_file(tmp_path, "k.pem", key), [pem_file(tmp_path, "k-pub.pem", key, private=False)]
    )
    assert len(keys.jwks()["keys"]) == 1


@pytest.mark.filterwarnings("ignore:Key size should be:joserfc.errors.SecurityWarning")
def test_refuses_short_keys_public_only_keys_and_missing_files(tmp_path):
    with pytest.raises(KeyConfigurationError, match="2048"):
        SigningKeys.from_files(pem_file(tmp_path, "short.pem", RSAKey.generate_key(1024)))
    public_only = pem_file(tmp_path, "pub.pem", RSAKey.generate_key(2048), private=False)
    with pytest.raises(KeyConfigurationError, match="no private key"):
        SigningKeys.from_files(public_only)
    with pytest.raises(KeyConfigurationError, match="not found"):
        SigningKeys.from_files(tmp_path / "absent.pem")
