package dev.racetrack.pub;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class TokenHashMemoTest {
  private final TokenHashMemo memo = new TokenHashMemo();

  @Test
  void hash_sameTokenAgain_reusesTheHashWithoutHashingAgain() {
    String first = memo.hash(Optional.of(new StringBuilder("token-a").toString()));
    String again = memo.hash(Optional.of(new StringBuilder("token-a").toString()));

    assertThat(first).isEqualTo(PermitCache.tokenHash("token-a"));
    assertThat(again).isSameAs(first);
  }

  @Test
  void hash_anotherToken_isThatTokensHash() {
    memo.hash(Optional.of("token-a"));

    assertThat(memo.hash(Optional.of("token-b"))).isEqualTo(PermitCache.tokenHash("token-b"));
    assertThat(memo.hash(Optional.of("token-a"))).isEqualTo(PermitCache.tokenHash("token-a"));
  }

  @Test
  void hash_noToken_isTheNoTokenKeyPart() {
    memo.hash(Optional.of("token-a"));

    assertThat(memo.hash(Optional.empty())).isEqualTo("-");
  }

  @Test
  void hash_afterClear_hashesAgain() {
    String first = memo.hash(Optional.of("token-a"));
    memo.clear();

    assertThat(memo.hash(Optional.of("token-a"))).isEqualTo(first).isNotSameAs(first);
  }
}
