import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import type { State, Store } from './store';

export const StoreContext = createContext<Store | null>(null);

export function useApp<T>(selector: (s: State) => T): T {
  const store = useContext(StoreContext);
  if (!store) throw new Error('useApp outside <StoreContext>');
  return useStore(store, selector);
}
