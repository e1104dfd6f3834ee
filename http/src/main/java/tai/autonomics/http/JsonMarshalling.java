package tai.autonomics.http;

import org.apache.pekko.http.javadsl.marshallers.jackson.Jackson;
import org.apache.pekko.http.javadsl.marshalling.Marshaller;
import org.apache.pekko.http.javadsl.model.RequestEntity;
import tai.autonomics.Json;

/** Marshallers over the project's one Jackson configuration ({@link Json#MAPPER}). */
public final class JsonMarshalling {
  private JsonMarshalling() {}

  public static <T> Marshaller<T, RequestEntity> marshaller() {
    return Jackson.marshaller(Json.MAPPER);
  }
}
