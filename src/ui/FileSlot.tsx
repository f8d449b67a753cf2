/** @jsxRuntime classic */
/** @jsx h */
import { Component, h } from 'preact';
import type { FileProps } from './FileView.ts';
import { filesUi, loadFilesUi } from './files-ui.ts';

/**
 * Where a message's file is shown: by the files part of the widget, which the script tag loads on first use;
 * until it is there, the file's name, as text.
 */
export class FileSlot extends Component<FileProps> {
  override componentDidMount(): void {
    if (!filesUi()) void loadFilesUi().then(() => this.forceUpdate());
  }

  override render(props: FileProps) {
    const FileView = filesUi()?.FileView;
    return FileView ? <FileView {...props} /> : <bdi>{props.message.file!.name}</bdi>;
  }
}
