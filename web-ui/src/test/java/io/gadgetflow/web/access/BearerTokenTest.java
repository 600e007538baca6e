package io.gadgetflow.web.access;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class BearerTokenTest {
  @Test
  void theAuthorizationHeaderCarriesTheToken() {
    assertThat(BearerToken.of("Bearer abc.def", null)).contains("abc.def");
    assertThat(BearerToken.of("bearer  abc ", null)).contains("abc");
    assertThat(BearerToken.of("Basic dXNlcjpwdw==", null)).isEmpty();
    assertThat(BearerToken.of("Bearer ", null)).isEmpty();
  }

  @Test
  void aBrowserWebsocketCarriesItAsASubprotocolAsTheKubernetesApiServerAccepts() {
    String token = "eyJhbGciOiJSUzI1NiJ9.payload.signature";
    String encoded =
        Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString(token.getBytes(StandardCharsets.UTF_8));

    assertThat(
            BearerToken.of(
                null,
                BearerToken.EVENTS_SUBPROTOCOL
                    + ", "
                    + BearerToken.TOKEN_SUBPROTOCOL_PREFIX
                    + encoded))
        .contains(token);
    assertThat(BearerToken.of(null, BearerToken.EVENTS_SUBPROTOCOL)).isEmpty();
    assertThat(BearerToken.of(null, BearerToken.TOKEN_SUBPROTOCOL_PREFIX + "%%%")).isEmpty();
  }
}
