"""The booking service every front end calls: slots, holds, bookings and their lifecycle."""
