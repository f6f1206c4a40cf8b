import pytest

from catalog_chassis.errors import (
    Conflict,
    NotFound,
    TooManyRequests,
    Unauthorized,
    ValidationFailed,
)
from identity_service.domain.model import Role, User

HOME, ATTACKER = "192.0.2.10", "198.51.100.66"


async def seed(service, username="alice", password="wonderland-42", role=Role.USER):
    return await service.create_user(username, password, role)


class TestLogIn:
    async def test_issues_a_signed_token_for_the_right_password(self, service, signer):
        user = await seed(service)
        token = await service.log_in("Alice", "wonderland-42", client=HOME)
        assert token.access_token == "token-1"
        assert token.token_type == "Bearer" and token.expires_in == 3600
        assert signer.signed[0]["sub"] == str(user.id)

    async def test_refuses_a_wrong_password_and_an_unknown_user_alike(self, service, hasher):
        await seed(service)
        with pytest.raises(Unauthorized) as wrong_password:
            await service.log_in("alice", "nope", client=HOME)
        with pytest.raises(Unauthorized) as unknown_user:
            await service.log_in("mallory", "nope", client=HOME)
        assert wrong_password.value.detail == unknown_user.value.detail
        assert hasher.burned == 1  # the unknown user still cost one verification

    async def test_refuses_a_disabled_user(self, service, uow):
        user = await seed(service)
        user.disabled = True  # as an administrator would (no API for it yet)
        with pytest.raises(Unauthorized):
            await service.log_in("alice", "wonderland-42", client=HOME)

    async def test_a_guessing_client_waits_longer_after_each_failure(self, service, clock):
        await seed(service)
        for _ in range(3):  # free failures
            with pytest.raises(Unauthorized):
                await service.log_in("alice", "guess", client=ATTACKER)
        waits = []
        for _ in range(4):
            with pytest.raises(TooManyRequests) as throttled:
                await service.log_in("alice", "guess", client=ATTACKER)
            waits.append(throttled.value.retry_after)
            clock.advance(seconds=throttled.value.retry_after)
            with pytest.raises(Unauthorized):
                await service.log_in("alice", "guess", client=ATTACKER)
        assert waits == [1, 2, 4, 8]

    async def test_a_guessing_client_does_not_lock_the_user_out_elsewhere(self, service):
        await seed(service)
        for _ in range(5):
            with pytest.raises((Unauthorized, TooManyRequests)):
                await service.log_in("alice", "guess", client=ATTACKER)

        token = await service.log_in("alice", "wonderland-42", client=HOME)

        assert token.access_token

    async def test_a_distributed_attack_is_slowed_for_the_username_not_blocked(
        self, service, clock
    ):
        await seed(service)
        ceiling = service.throttle_policy.username_ceiling
        for index in range(ceiling):
            with pytest.raises(Unauthorized):
                await service.log_in("alice", "guess", client=f"10.0.{index // 250}.{index % 250}")
        # Over the ceiling: every client, the real user too, waits between attempts...
        with pytest.raises(TooManyRequests) as slowed:
            await service.log_in("alice", "wonderland-42", client=HOME)
        assert slowed.value.retry_after == 2
        # ...and gets in once the interval has passed.
        clock.advance(seconds=2)
        assert (await service.log_in("alice", "wonderland-42", client=HOME)).access_token

    async def test_success_clears_the_clients_failures(self, service, uow):
        await seed(service)
        with pytest.raises(Unauthorized):
            await service.log_in("alice", "guess", client=HOME)
        await service.log_in("alice", "wonderland-42", client=HOME)
        assert ("alice", HOME) not in uow.login_failures.rows
        assert uow.login_failures.rows[("alice", "*")].count == 1  # the overall count stays

    async def test_old_failures_are_purged(self, service, uow, clock):
        await seed(service)
        with pytest.raises(Unauthorized):
            await service.log_in("alice", "guess", client=HOME)
        clock.advance(minutes=16)
        assert await service.purge_login_failures() == 2
        assert uow.login_failures.rows == {}


class TestUsers:
    async def test_create_applies_the_password_policy(self, service):
        with pytest.raises(ValidationFailed):
            await service.create_user("carol", "short", Role.USER)

    async def test_create_refuses_a_taken_username(self, service):
        await seed(service)
        with pytest.raises(Conflict):
            await seed(service, username="ALICE")

    async def test_demo_seeding_is_idempotent_and_bypasses_the_policy(self, service, uow):
        assert await service.ensure_demo_user("admin", "admin", Role.ADMIN) is True
        assert await service.ensure_demo_user("admin", "admin", Role.ADMIN) is False
        assert len(uow.users.rows) == 1
        assert (await service.log_in("admin", "admin", client=HOME)).access_token

    async def test_a_service_account_is_a_user_that_can_log_in_and_is_created_once(
        self, service, uow
    ):
        password = "a-long-generated-secret-1234"
        assert await service.ensure_service_account("store", password) is True
        assert await service.ensure_service_account("store", password) is False
        [account] = uow.users.rows.values()
        assert account.role is Role.USER
        assert (await service.log_in("store", password, client=HOME)).access_token

    async def test_a_service_account_takes_the_password_of_its_secret_again(self, service):
        await service.ensure_service_account("store", "the-first-generated-secret")

        assert await service.ensure_service_account("store", "a-rotated-generated-secret") is False

        assert (
            await service.log_in("store", "a-rotated-generated-secret", client=HOME)
        ).access_token
        with pytest.raises(Unauthorized):
            await service.log_in("store", "the-first-generated-secret", client=HOME)

    async def test_demo_seeding_that_loses_the_race_to_another_seeder_keeps_its_account(
        self, service, uow
    ):
        lookup = uow.users.get_by_username

        async def another_seeder_adds_it_after_the_check(username):
            found = await lookup(username)
            if found is None:
                theirs = User(username=username, password_hash="plain:theirs", role=Role.ADMIN)
                await uow.users.add(theirs)
            return found

        uow.users.get_by_username = another_seeder_adds_it_after_the_check

        assert await service.ensure_demo_user("admin", "admin", Role.ADMIN) is False
        [account] = uow.users.rows.values()
        assert account.password_hash == "plain:theirs"

    async def test_get_returns_the_user_with_that_id(self, service):
        user = await seed(service)
        assert await service.get_user(str(user.id)) == user

    async def test_get_unknown_user_is_not_found(self, service):
        with pytest.raises(NotFound):
            await service.get_user("7b0e5b8a-4f7e-4d64-8a57-0d5f7e0f0c11")

    async def test_list_pages_through_users(self, service):
        for name in ("anna", "bert", "cleo"):
            await seed(service, username=name)
        page, total = await service.list_users(limit=2, offset=1)
        assert [u.username for u in page] == ["bert", "cleo"] and total == 3
