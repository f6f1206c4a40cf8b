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
from identity_service.domain.throttle import (
    Failures,
    ThrottlePolicy,
    client_delay,
    retry_after_seconds,
)
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
    policy = ThrottlePolicy(free_failures=3, window=timedelta(minutes=10), username_ceiling=5)

    def test_the_first_failures_cost_nothing(self):
        assert retry_after_seconds(Failures(3, NOW), Failures(3, NOW), NOW, self.policy) == 1
        assert retry_after_seconds(Failures(2, NOW), Failures(2, NOW), NOW, self.policy) is None

    def test_the_delay_doubles_up_to_its_maximum(self):
        delays = [client_delay(n, self.policy).total_seconds() for n in range(2, 7)]
        assert delays == [0, 1, 2, 4, 8]
        assert client_delay(1000, self.policy) == self.policy.max_delay

    def test_the_wait_counts_from_the_last_failure(self):
        five = Failures(5, NOW)  # 4 s after the fifth
        assert retry_after_seconds(five, Failures(), NOW + timedelta(seconds=1), self.policy) == 3
        later = NOW + timedelta(seconds=4)
        assert retry_after_seconds(five, Failures(), later, self.policy) is None

    def test_failures_older_than_the_window_are_forgotten(self):
        old = Failures(50, NOW - timedelta(minutes=10))
        assert old.current(NOW, self.policy) == 0
        assert retry_after_seconds(old, old, NOW, self.policy) is None

    def test_past_the_username_ceiling_every_client_is_spaced_out(self):
        overall = Failures(5, NOW)
        assert retry_after_seconds(Failures(), overall, NOW, self.policy) == 2
        spaced = NOW + timedelta(seconds=2)
        assert retry_after_seconds(Failures(), overall, spaced, self.policy) is None
