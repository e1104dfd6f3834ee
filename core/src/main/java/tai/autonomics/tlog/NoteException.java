package tai.autonomics.tlog;

/** A note, checkpoint or proof that does not verify or does not parse; the message says which part and why. */
public final class NoteException extends Exception {
  private static final long serialVersionUID = 1L;

  public NoteException(String message) {
    super(message);
  }
}
