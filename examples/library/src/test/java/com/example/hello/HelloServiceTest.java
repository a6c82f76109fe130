package com.example.hello;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.burrow.junit.BurrowTunnel;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The service answers a visitor who comes through a public URL: an edge and an agent in this JVM. */
class HelloServiceTest {
    private static HelloService service;

    @RegisterExtension
    static BurrowTunnel tunnel = BurrowTunnel.to(() -> service.port());

    @BeforeAll
    static void startService() throws Exception {
        service = HelloService.start(0);
    }

    @AfterAll
    static void stopService() {
        service.close();
    }

    @Test
    void greetsAVisitorThroughItsPublicUrl() throws Exception {
        HttpResponse<String> response = tunnel.client().send(tunnel.request("/?name=ann").build(),
                HttpResponse.BodyHandlers.ofString());

        assertEquals(200, response.statusCode());
        assertEquals("hello, ann\n", response.body());
    }
}
