from datetime import UTC, datetime, timedelta

import pytest

from catalog_chassis.errors import ValidationFailed
from identity_service.domain.model import (
    Role,
    User,
    check_password_policy,
    check_username,
    normalize_username,
)
from identity_service.domain.throttle import FailedLogins, ThrottlePolicy
from identity_service.domain.tokens import TokenPolicy, access_token_claims

NOW = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


class TestClaims:
    def test_carry_the_contract_claims_and_expire_after_one_hour(self):
        user = User(username="alice", password_hash="x", role=Role.ADMIN)
        claims = access_token_claims(
            user, now=NOW, policy=TokenPolicy(issuer="iss", audience="aud")
        )
        assert claims["sub"] == str(user.id)
        assert claims["username"] == "alice"
        assert claims["role"] == "ADMIN"
        assert claims["iss"] == "iss" and claims["aud"] == "aud"
        assert claims["exp"] - claims["iat"] == 3600
        assert claims["iat"] == int(NOW.timestamp())

    def test_give_every_token_its_own_jti(self):
        user = User(username="alice", password_hash="x", role=Role.USER)
        policy = TokenPolicy(issuer="iss", audience="aud")
        first = access_token_claims(user, now=NOW, policy=policy)
        second = access_token_claims(user, now=NOW, policy=policy)
        assert first["jti"] != second["jti"]


class TestPasswordPolicy:
    @pytest.mark.parametrize(
        ("password", "reason"),
        [
            ("short", "at least 8"),
            ("x" * 73, "at most 72 bytes"),
            (" padded-password ", "whitespace"),
            ("Alice-Smith", "username"),
        ],
    )
    def test_refuses_weak_passwords_naming_the_field(self, password, reason):
        with pytest.raises(ValidationFailed) as caught:
            check_password_policy(password, username="alice-smith")
        assert caught.value.errors[0].field == "password"
        assert any(reason in e.message for e in caught.value.errors)

    def test_accepts_a_reasonable_password(self):
        check_password_policy("correct horse battery", username="alice")


class TestUsernames:
    def test_are_case_insensitive(self):
        assert normalize_username("  Admin ") == "admin"

    @pytest.mark.parametrize("username", ["a", "-alice", "alice smith", "ålice", "x" * 65])
    def test_refuse_invalid_names(self, username):
        with pytest.raises(ValidationFailed) as caught:
            check_username(username)
        assert caught.value.errors[0].field == "username"


class TestThrottle:
    policy = ThrottlePolicy(max_failures=3, window=timedelta(minutes=10))

    def test_allows_attempts_below_the_limit(self):
        failures = FailedLogins(username="bob")
        for _ in range(2):
            failures.register_failure(NOW, self.policy)
        assert failures.retry_after_seconds(NOW, self.policy) is None

    def test_throttles_at_the_limit_until_the_window_ends(self):
        failures = FailedLogins(username="bob")
        for _ in range(3):
            failures.register_failure(NOW, self.policy)
        assert failures.retry_after_seconds(NOW, self.policy) == 600
        later = NOW + timedelta(minutes=9)
        assert failures.retry_after_seconds(later, self.policy) == 60
        assert failures.retry_after_seconds(NOW + timedelta(minutes=10), self.policy) is None

    def test_a_failure_after_the_window_starts_a_new_count(self):
        failures = FailedLogins(username="bob")
        for _ in range(3):
            failures.register_failure(NOW, self.policy)
        failures.register_failure(NOW + timedelta(minutes=11), self.policy)
        assert failures.count == 1
